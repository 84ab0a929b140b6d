import { z } from 'zod';
import { type Route, routeList } from './routes.ts';
import { errorBody } from './schemas.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (built once).
 * Requests are described as the client sends them (`io: 'input'`), responses as they arrive.
 */
let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApi(routeList);
  return cached;
}

const errorStatuses: Record<string, string> = {
  '400': 'Invalid input; `details` names each field at fault',
  '401': 'No valid bearer token (signed, unexpired, with an expiry, not issued in the future)',
  '403': 'The token lacks the role the route needs: a reader role (admin, growth) to read, admin to write',
  '404': 'No such segment or override, or no such path',
  '405': 'Known path, other method; the Allow header lists the methods',
  '409': 'Conflicts with what exists (e.g. the segment exists already)',
  '413': 'Body over 16 KB',
  '415': 'Body not sent as application/json',
  '431': 'Request line and headers over 16 KB (a URL too long)',
  '500': 'Internal error (details are logged, never returned)',
};

export function buildOpenApi(list: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of list) {
    const operations = paths[route.path] ?? {};
    paths[route.path] = operations;
    operations[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lead Flow Intelligence API',
      version: '1.0.0',
      description: [
        'Segments, their statistics, plans and budget decisions, and the admin switches of Lead Flow Intelligence.',
        'Dates are `YYYY-MM-DD` business days (Europe/Amsterdam). Money is a string of euros with exactly',
        '2 decimals (`"125.00"`). Reads need a signed-in user (a Supabase Auth access token); writes need',
        "the admin role: by default the token's `app_metadata.role` claim must be `admin`.",
        'Errors are `{ "error": { "code", "message", "details"? } }`.',
      ].join(' '),
      // Private: the marketplace's own service, licensed to no one else.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the document is served by the API it describes (lfi serve, or API Gateway's URL).
    servers: [{ url: '/', description: 'The API that serves this document' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  };
}

function operation(route: Route): Record<string, unknown> {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const errors = Object.entries(errorStatuses).filter(([status]) => applies(route, status));
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.auth === 'public' ? { security: [] } : { security: [{ bearerAuth: [] }] }),
    description:
      route.auth === 'admin'
        ? 'Admin only. Recorded in the system log with the caller.'
        : route.auth === 'reader'
          ? 'Needs a reader role (by default admin or growth).'
          : 'Public.',
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: route.summary,
        content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      },
      ...Object.fromEntries(
        errors.map(([status, description]) => [
          status,
          {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

function applies(route: Route, status: string): boolean {
  switch (status) {
    case '401':
      return route.auth !== 'public';
    case '403':
      return route.auth !== 'public';
    case '409':
      return route.auth === 'admin';
    case '413':
    case '415':
      return route.body !== undefined;
    case '404':
      return route.params !== undefined;
    default:
      return true;
  }
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
