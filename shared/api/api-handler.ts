import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { type Database, noDatabase } from '../db/database.port.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Clock } from '../runtime/runtime.ts';
import {
  type FieldProblem,
  ForbiddenError,
  InvalidUtf8Error,
  MalformedJsonError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './api.errors.ts';
import type { ApiSettings } from './api-settings.ts';
import { actorFromClaims, checkTokenTimes, tokenClaims } from './auth.ts';
import { httpEdge } from './http-edge.middleware.ts';
import { type Actor, type ApiActions, type OperationContext, operations } from './operations.ts';
import { ReadCache } from './read-cache.ts';
import { decodeUtf8, textProblems } from './request-text.ts';
import { type ApiHandlerName, pathMethods, type Route, routeKey, routeList } from './routes.ts';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ApiServices {
  readonly db: Database;
  readonly clock: Clock;
  /** Starting the nightly run and restoring a night (the writes handler). */
  readonly actions?: ApiActions;
}

export interface ApiHandlerOptions {
  readonly settings: ApiSettings;
  readonly logger: Logger;
  /**
   * The database and clock, built once per cold start by the composition root. Absent for a
   * handler that serves no data (docs): then it has no database and the system clock.
   */
  readonly services?: () => Promise<ApiServices>;
  /** Shared by the handlers of one process (the local server), so a write clears the reads. */
  readonly cache?: ReadCache;
  /**
   * Wall-clock milliseconds for the token's times (default Date.now): real time, like the
   * authorizer's, not the business clock that tests set to a fixed day.
   */
  readonly wallClock?: () => number;
}

interface Prepared {
  route: Route;
  actor: Actor | null;
  input?: { params: unknown; query: unknown; body: unknown };
}

// What the middlewares learned about a request, for the handler: keyed by the event object.
const prepared = new WeakMap<object, Prepared>();

const routesByKey = new Map(routeList.map((route) => [routeKey(route), route]));

/**
 * The API's Lambda handler for one handler name of the route table: the route from the event's
 * route key, the caller's rights, the input checked with zod, then one operation, its result
 * parsed against the route's response schema. Errors become responses in one place (httpEdge).
 */
export function createApiHandler(name: ApiHandlerName, options: ApiHandlerOptions) {
  const cache = options.cache ?? new ReadCache(options.settings.readCacheMs);
  const services =
    options.services ??
    (async (): Promise<ApiServices> => ({
      db: noDatabase(`The ${name} handler`),
      clock: { now: () => new Date() },
    }));
  return middy<ApiEvent, ApiResult>()
    .use(httpEdge(options.settings, options.logger))
    .use(authorize(name, options.settings, options.wallClock ?? Date.now))
    .use(parseInput(options.settings))
    .handler(async (event) => {
      const state = prepared.get(event);
      if (!state?.input) throw new Error('The API handler ran without a prepared request.');
      const { route, input } = state;
      const { db, clock, actions } = await services();
      const now = clock.now();
      const context: OperationContext = {
        db,
        now,
        settings: options.settings,
        actor: state.actor,
        ...(actions ? { actions } : {}),
      };
      const operation = operations[route.operationId] as (
        context: OperationContext,
        input: Prepared['input'],
      ) => Promise<unknown>;
      const run = async () => JSON.stringify(route.response.parse(await operation(context, input)));
      if (route.method !== 'GET') {
        const body = await run();
        cache.clear();
        return { statusCode: route.status, body };
      }
      // Date defaults depend on the day, and what a read shows on whether the caller is an admin
      // (recorded errors), so both are part of the key.
      const audience = state.actor?.isAdmin ? 'admin' : 'reader';
      const key = `${route.operationId} ${audience} ${now.toISOString().slice(0, 10)} ${JSON.stringify(input)}`;
      return { statusCode: route.status, body: await cache.read(key, Date.now(), run) };
    });
}

/**
 * Finds the route and checks the caller: 401 without a valid token (one without an expiry, or
 * issued in the future, included), 403 for a read without a reader role or a write without the
 * admin role.
 */
function authorize(
  name: ApiHandlerName,
  settings: ApiSettings,
  wallClock: () => number,
): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    name: 'authorize',
    before({ event }) {
      const route = routeFor(event);
      if (route.handler !== name) throw new Error(`Route ${event.routeKey} reached the ${name} handler.`);
      if (route.auth === 'public') {
        prepared.set(event, { route, actor: null });
        return;
      }
      const claims = tokenClaims(event);
      checkTokenTimes(claims, wallClock());
      const actor = actorFromClaims(claims, settings);
      if (!actor) throw new UnauthorizedError();
      if (route.auth === 'admin' && !actor.isAdmin) throw new ForbiddenError();
      if (route.auth === 'reader' && !actor.canRead) {
        throw new ForbiddenError(
          `Reading this needs one of the roles ${[settings.adminRole, ...settings.readerRoles.filter((r) => r !== settings.adminRole)].join(', ')}; your token carries none of them.`,
        );
      }
      prepared.set(event, { route, actor });
    },
  };
}

function routeFor(event: ApiEvent): Route {
  const route = routesByKey.get(event.routeKey);
  if (route) return route;
  const path = event.routeKey.startsWith('ANY ') ? event.routeKey.slice(4) : undefined;
  const allow = path === undefined ? undefined : pathMethods.get(path);
  if (path !== undefined && allow)
    throw new MethodNotAllowedError(event.requestContext.http.method, path, allow);
  throw new NotFoundError(`No such endpoint: ${event.requestContext.http.method} ${event.rawPath}.`);
}

const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Size, media type, UTF-8 and JSON of the body; then text no database can store (NUL, lone
 * surrogates) and keys that mean something to JavaScript objects anywhere in params, query or
 * body; then params, query and body against the route's schemas.
 */
function parseInput(settings: ApiSettings): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    name: 'parseInput',
    before({ event }) {
      const state = prepared.get(event);
      if (!state) throw new Error('parseInput ran before authorize.');
      const { route } = state;
      const raw = event.body ?? '';
      const size = Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      if (size > settings.maxBodyBytes) throw new PayloadTooLargeError(settings.maxBodyBytes);
      let body: unknown;
      if (route.body) {
        if (raw === '' && route.bodyOptional) body = {};
        else {
          if (!jsonContentType.test(event.headers?.['content-type'] ?? ''))
            throw new UnsupportedMediaTypeError();
          const text = event.isBase64Encoded ? decodeUtf8(Buffer.from(raw, 'base64')) : raw;
          if (text === undefined) throw new InvalidUtf8Error();
          try {
            body = JSON.parse(text);
          } catch {
            throw new MalformedJsonError();
          }
        }
      }
      const unsafe = [
        ...textProblems('params', event.pathParameters ?? {}),
        ...textProblems('query', event.queryStringParameters ?? {}),
        ...textProblems('body', body),
      ];
      if (unsafe.length > 0) throw new ValidationError(unsafe);
      const problems: FieldProblem[] = [];
      const params = check('params', route.params, event.pathParameters ?? {}, problems);
      const query = check('query', route.query, event.queryStringParameters ?? {}, problems);
      const parsedBody = check('body', route.body, body, problems);
      if (problems.length > 0) throw new ValidationError(problems);
      state.input = { params, query, body: parsedBody };
    },
  };
}

function check(
  where: string,
  schema: z.ZodType | undefined,
  value: unknown,
  problems: FieldProblem[],
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const field = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ field: `${field}.${key}`, message: 'is not a known field' });
    } else if (issue.path.length === 0 && issue.code === 'invalid_type') {
      problems.push({ field, message: 'must be a JSON object' });
    } else {
      problems.push({ field, message: issue.message });
    }
  }
  return undefined;
}
