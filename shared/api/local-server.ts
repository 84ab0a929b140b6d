import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import { type DashboardFiles, dashboardResponse, isDashboardPath } from '../dashboard/dashboard-assets.ts';
import type { Database } from '../db/database.port.ts';
import { localLambdaContext } from '../runtime/local-lambda-context.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Clock } from '../runtime/runtime.ts';
import {
  BadHostError,
  ForbiddenError,
  IncompleteBodyError,
  MisdirectedRequestError,
  PayloadTooLargeError,
  UnparsableRequestError,
} from './api.errors.ts';
import { type ApiEvent, type ApiResult, createApiHandler } from './api-handler.ts';
import { type ApiSettings, loadApiSettings } from './api-settings.ts';
import { corsAllowedHeaders, errorResponse, responseHeaders } from './http-edge.middleware.ts';
import { createLocalAuth } from './local-auth.ts';
import { loopbackOrigin, mayReadDevelopmentToken } from './loopback.ts';
import type { ApiActions } from './operations.ts';
import { ReadCache } from './read-cache.ts';
import { type ApiHandlerName, apiHandlerNames, handlerForPath, matchRoute, routeKey } from './routes.ts';

/**
 * The route table served on this machine the way API Gateway serves it in AWS: each request is
 * matched to a route, its bearer token checked like the JWT authorizer does, and turned into an
 * HTTP API payload 2.0 event for the same middy handlers the Lambdas run.
 */
export interface LocalServerOptions {
  readonly runtime: {
    readonly db: Database;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly config?: { readonly LFI_TIME_ZONE: string };
  };
  /** 0 picks a free port (tests). */
  readonly port?: number;
  /** The address to listen on (default 127.0.0.1). Requests must name the server by a loopback name whatever it is. */
  readonly host?: string;
  readonly settings?: Partial<ApiSettings>;
  /** Starting the nightly run ("run yesterday now") and restoring a night; without them those routes fail. */
  readonly actions?: ApiActions;
}

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  /** A development admin token, valid 12 hours, signed by this server's key. */
  readonly token: string;
  /** Signs a token this server accepts (tests make user, admin and expired tokens with it). */
  signToken(claims: JWTPayload, options?: { expiresIn?: string | number | null }): Promise<string>;
  close(): Promise<void>;
}

// API Gateway's own limit; a body above it is not even read.
const maxRequestBytes = 10 * 1024 * 1024;

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { runtime } = options;
  const port = options.port ?? 8787;
  const fromEnv = loadApiSettings(process.env);
  const settings: ApiSettings = {
    ...fromEnv,
    timeZone: runtime.config?.LFI_TIME_ZONE ?? fromEnv.timeZone,
    ...options.settings,
  };
  const auth = await createLocalAuth();
  const services = async () => ({
    db: runtime.db,
    clock: runtime.clock,
    ...(options.actions ? { actions: options.actions } : {}),
  });
  const cache = new ReadCache(settings.readCacheMs);
  const handlers = new Map(
    apiHandlerNames.map((name) => [
      name,
      createApiHandler(name, { settings, logger: runtime.logger, services, cache }),
    ]),
  );

  // The page is built on its first request, so an API-only use of the server never builds it.
  let dashboard: Promise<DashboardFiles> | undefined;
  let token = '';
  let boundPort = 0;
  // Node would answer a request without Host with a bare 400; the check in serve() answers it in
  // the API's error shape instead.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    serve(req, res).catch((error: unknown) => {
      send(res, errorResponse(error, settings, req.headers.origin, runtime.logger));
    });
  });
  // What the HTTP parser refuses (a URL over 16 KB, bytes that are no HTTP) gets the API's error
  // shape too, instead of Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const result = errorResponse(
      new UnparsableRequestError(error.code === 'HPE_HEADER_OVERFLOW'),
      settings,
      undefined,
      runtime.logger,
    );
    const body = result.body ?? '';
    const head = [
      `HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode ?? 400]}`,
      ...Object.entries(result.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const method = req.method ?? 'GET';
    // Before anything else: a request naming another host is a page elsewhere reaching this
    // machine (DNS rebinding), whatever its path.
    if (!req.headers.host || loopbackOrigin(req.headers.host, boundPort) === undefined) {
      req.resume();
      const error = req.headers.host ? new MisdirectedRequestError() : new BadHostError();
      return send(res, errorResponse(error, settings, origin, runtime.logger), true);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (method === 'GET' && isDashboardPath(url.pathname)) {
      req.resume();
      if (
        url.pathname === '/config.json' &&
        !mayReadDevelopmentToken({ headers: req.headers, remoteAddress: req.socket.remoteAddress }, boundPort)
      ) {
        const refused = new ForbiddenError(
          'The development token is only for the dashboard page of this server, on this machine.',
        );
        return send(res, errorResponse(refused, settings, origin, runtime.logger));
      }
      dashboard ??= import('../../dashboard/build.ts').then(({ buildDashboard }) => buildDashboard());
      return send(res, dashboardResponse(await dashboard, url.pathname, { mode: 'local', token }));
    }
    const match = matchRoute(method, url.pathname);

    if (method === 'OPTIONS' && req.headers['access-control-request-method'] && match.kind !== 'none') {
      req.resume();
      return send(
        res,
        preflight(settings, origin, match.kind === 'route' ? [match.route.method] : match.allow),
      );
    }

    let body: Buffer;
    try {
      body = await readBody(req, settings.maxBodyBytes);
    } catch (error) {
      return send(res, errorResponse(error, settings, origin, runtime.logger), true);
    }

    let handler: ApiHandlerName = 'docs';
    let key = '$default';
    let claims: JWTPayload | undefined;
    if (match.kind === 'wrong-method') {
      handler = handlerForPath(match.path);
      key = `ANY ${match.path}`;
    } else if (match.kind === 'route') {
      handler = match.route.handler;
      key = routeKey(match.route);
      if (match.route.auth !== 'public') {
        try {
          claims = await auth.verify(req.headers.authorization);
        } catch (error) {
          return send(res, errorResponse(error, settings, origin, runtime.logger));
        }
      }
    }
    const event = toEvent(
      req,
      url,
      key,
      match.kind === 'route' ? match.pathParameters : undefined,
      body,
      claims,
    );
    const run = handlers.get(handler);
    if (!run) throw new Error(`No API handler named ${handler}.`);
    send(res, await run(event, localLambdaContext(`lfi-api-${handler}`, 29_000, 512)));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  const adminClaims = nestedClaim(settings.roleClaim, settings.adminRole);
  token = await auth.sign({
    sub: 'local-admin',
    email: 'admin@localhost',
    role: 'authenticated',
    ...adminClaims,
  });
  return {
    url: `http://${address.address === '::1' ? '[::1]' : address.address}:${address.port}`,
    port: address.port,
    token,
    signToken: (claims, signOptions) => auth.sign(claims, signOptions),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads the body, keeping at most `limit` bytes: more is a 413 (drained, so the client sees the answer). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxRequestBytes) throw new PayloadTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxRequestBytes) break;
      if (size <= limit) chunks.push(chunk);
    }
  } catch {
    throw new IncompleteBodyError(); // the client stopped sending before Content-Length bytes
  }
  if (size > limit) throw new PayloadTooLargeError(limit);
  return Buffer.concat(chunks);
}

const textual = /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml|x-www-form-urlencoded))/i;

function toEvent(
  req: IncomingMessage,
  url: URL,
  key: string,
  pathParameters: Record<string, string> | undefined,
  body: Buffer,
  claims: JWTPayload | undefined,
): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // A Map, so a parameter named __proto__ or constructor is a parameter like any other (and is refused).
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    const earlier = params.get(name);
    params.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  const query = Object.fromEntries(params);
  // Bytes that are not UTF-8 go as base64, as API Gateway sends binary, so the handler sees them
  // as they came instead of with U+FFFD in their place.
  const binary = body.length > 0 && (!textual.test(headers['content-type'] ?? '') || !isUtf8(body));
  const now = Date.now();
  const event: ApiEvent = {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters: decodeAll(pathParameters) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: binary,
  };
  // API Gateway hands claims over as strings; nested ones as text, which auth.ts reads.
  if (claims) {
    const flat = Object.fromEntries(
      Object.entries(claims).map(([name, value]) => [
        name,
        typeof value === 'object' ? JSON.stringify(value) : String(value),
      ]),
    );
    Object.assign(event.requestContext, { authorizer: { jwt: { claims: flat, scopes: null } } });
  }
  return event;
}

function decodeAll(parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      try {
        return [name, decodeURIComponent(value)];
      } catch {
        return [name, value];
      }
    }),
  );
}

function preflight(settings: ApiSettings, origin: string | undefined, methods: readonly string[]): ApiResult {
  const headers = responseHeaders(settings, origin);
  if (headers['access-control-allow-origin']) {
    headers['access-control-allow-methods'] = methods.join(', ');
    headers['access-control-allow-headers'] = corsAllowedHeaders.join(', ');
    headers['access-control-max-age'] = '600';
  }
  return { statusCode: 204, headers };
}

function send(res: ServerResponse, result: ApiResult, closeConnection = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (closeConnection) headers.connection = 'close';
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/** `app_metadata.role` = 'admin' → `{ app_metadata: { role: 'admin' } }`. */
function nestedClaim(path: string, value: string): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
