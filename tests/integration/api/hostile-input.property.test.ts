import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import { openApiDocument } from '../../../shared/api/openapi.ts';
import { errorBody } from '../../../shared/api/schemas.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  lfiChecksum,
  seedApiData,
  segmentA,
  segmentB,
  startTestServer,
  unknownSegment,
} from './api-fixtures.ts';

/**
 * Hostile input generated from the OpenAPI document: every operation it lists, with values built
 * from each parameter's and body's JSON schema and then spoiled (wrong types, NUL, lone surrogates,
 * prototype keys, years 0000 and 9999, huge and broken bodies, other methods, other tokens).
 * Whatever is sent: never a 5xx, only a status the document lists for that operation, the
 * documented error shape on every 4xx, and not one row changed by a rejected request.
 */

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
};
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
  statuses: Set<number>;
}

const document = openApiDocument() as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
};
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    parameters: (op.parameters ?? []) as Parameter[],
    body: (op.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined)?.content[
      'application/json'
    ]?.schema,
    statuses: new Set(Object.keys(op.responses as object).map(Number)),
  })),
);
const operationsByKey = new Map(operations.map((op) => [`${op.method} ${op.path}`, op]));

// --- values a schema allows -------------------------------------------------------------------

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dateInRange = fc
  .date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
  .map(isoDay);

function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(validValue));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1000) });
    case 'number':
      return fc.integer({ min: 1, max: Math.round((schema.maximum ?? 1) * 1000) }).map((n) => n / 1000);
    case 'object':
      return fc.record(
        Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, validValue(v)])),
        { requiredKeys: schema.required ?? [] },
      );
    default:
      if (schema.format === 'uuid') return fc.constantFrom(segmentA, segmentB, unknownSegment);
      if (schema.format === 'date') return dateInRange;
      if (schema.pattern === '^\\d{1,9}$') return fc.integer({ min: 0, max: 300 }).map(String);
      if (schema.pattern) return fc.constantFrom('schilder', 'dakdekker', 'hovenier', 'glas zetter');
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  }
}

// --- what spoils them -------------------------------------------------------------------------

const hostileText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '0000-01-01',
    '0099-12-31',
    '9999-12-31',
    '2026-02-30',
    '2026-11-01T00:00:00Z',
    "' or '1'='1",
    '1; drop table lead_segments; --',
    '<script>alert(1)</script>',
    '\u202e',
    '%00',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '-1',
    '1e9',
    'NaN',
    'Infinity',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '😀'.repeat(300),
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ maxLength: 5 }).map((s) => s.repeat(4000)),
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, 0, -1, 0.0001, 1e308, -1e308, 2 ** 53 + 1, [], {}, { __proto__: null }, [null]),
  fc.double(),
  fc.integer(),
  fc.array(hostileText, { maxLength: 3 }),
);

/** A schema's value, or one spoiled at a random place. */
function spoiled(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.type !== 'object') return fc.oneof(validValue(schema), hostileJson);
  const properties = Object.entries(schema.properties ?? {});
  return fc
    .tuple(
      validValue(schema) as fc.Arbitrary<Record<string, unknown>>,
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...properties.map(([k]) => k), '__proto__', 'constructor', 'prototype', 'extra'),
            fc.string({ maxLength: 8 }),
          ),
          fc.oneof(hostileJson, ...properties.map(([, v]) => spoiled(v))),
        ),
        { maxLength: 3 },
      ),
      fc.array(fc.constantFrom(...properties.map(([k]) => k)), { maxLength: 2 }),
    )
    .map(([valid, replacements, removals]) => {
      const value = { ...valid };
      for (const key of removals) delete value[key];
      // defineProperty, so `__proto__` becomes a key as JSON.parse would make it.
      for (const [key, v] of replacements)
        Object.defineProperty(value, key, { value: v, enumerable: true, configurable: true, writable: true });
      return value;
    });
}

/** A body as bytes: spoiled JSON, or text no JSON or UTF-8 decoder should accept. */
function hostileBody(schema: JsonSchema): fc.Arbitrary<Uint8Array | string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: spoiled(schema).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<Uint8Array | string | undefined>(
        undefined,
        '',
        '{',
        '{"branch": "schilder", "reg',
        '{"enabled": true, "enabled": "yes"}',
        '{"reason": "\\ud800"}',
        '{"reason": "a\\u0000b"}',
        '{"__proto__": {"admin": true}}',
        '{"constructor": {"prototype": {"admin": true}}}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        JSON.stringify({ reason: 'x'.repeat(20_000) }),
        new Uint8Array([
          0x7b, 0x22, 0x72, 0x65, 0x61, 0x73, 0x6f, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d,
        ]),
        new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) },
  );
}

/** Percent-encoding that also carries lone surrogates, as the bytes of no valid UTF-8 (WTF-8). */
function percentEncode(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text);
  return [...text]
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (char.length > 1 || unit < 0xd800 || unit > 0xdfff) return encodeURIComponent(char);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

function pathValue(param: Parameter): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: (validValue(param.schema) as fc.Arbitrary<string>).map(percentEncode) },
    { weight: 2, arbitrary: fc.uuid().map(String) },
    { weight: 3, arbitrary: hostileText.map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%zz', '%00', '%2F', '..', '%2e%2e') },
  );
}

function queryString(op: Operation): fc.Arbitrary<string> {
  const known = op.parameters.filter((p) => p.in === 'query');
  const queryValue = (p: Parameter) =>
    fc.oneof(
      { weight: 3, arbitrary: (validValue(p.schema) as fc.Arbitrary<unknown>).map(String) },
      { weight: 2, arbitrary: hostileText },
    );
  const pair = fc.oneof(
    ...known.map((p) => queryValue(p).map((v) => [p.name, v] as const)),
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'x', 'from[]'), hostileText),
  );
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`,
    );
}

type TokenKind = 'admin' | 'growth' | 'viewer' | 'none' | 'garbage';
interface HostileRequest {
  op: Operation;
  method: string;
  url: string;
  token: TokenKind;
  contentType?: string;
  body?: Uint8Array | string;
}

const allMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const hostileRequest: fc.Arbitrary<HostileRequest> = fc.constantFrom(...operations).chain((op) =>
  fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(op.method) },
        { weight: 1, arbitrary: fc.constantFrom(...allMethods) },
      ),
      params: fc.tuple(...op.parameters.filter((p) => p.in === 'path').map(pathValue)),
      query: queryString(op),
      token: fc.oneof(
        { weight: 8, arbitrary: fc.constant<TokenKind>('admin') },
        { weight: 2, arbitrary: fc.constantFrom<TokenKind>('growth', 'viewer', 'none', 'garbage') },
      ),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            undefined,
            'text/plain',
            'application/json; charset=latin1',
            'multipart/form-data',
          ),
        },
      ),
      body: op.body ? hostileBody(op.body) : fc.constant(undefined),
    })
    .map(({ method, params, query, token, contentType, body }) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => params[i++] ?? '');
      return { op, method, url: `${path}${query}`, token, contentType, body };
    }),
);

// The same seed on every run unless FC_SEED says otherwise: a failure is reproducible.
const seed = Number(process.env.FC_SEED ?? 20261202);
const runs = 320;

describe.each(databaseLanes)(
  'HTTP API hostile input, generated from the OpenAPI document, on $name',
  (lane) => {
    let db: SqlDatabase;
    let server: LocalServer;
    const tokens = new Map<TokenKind, string | undefined>();

    beforeAll(async () => {
      db = await lane.open();
      await seedApiData(db);
      server = await startTestServer(db);
      tokens.set('admin', `Bearer ${server.token}`);
      tokens.set(
        'growth',
        `Bearer ${await server.signToken({ sub: 'growth-1', app_metadata: { role: 'growth' } })}`,
      );
      tokens.set(
        'viewer',
        `Bearer ${await server.signToken({ sub: 'viewer-1', app_metadata: { role: 'viewer' } })}`,
      );
      tokens.set('none', undefined);
      tokens.set('garbage', 'Bearer not.a.token');
    });
    afterAll(async () => {
      await server?.close();
      await db?.close();
    });

    it(`answers ${runs} hostile requests across every operation without a 5xx, in the documented shape, writing nothing when it rejects`, async () => {
      expect(operations.length).toBeGreaterThanOrEqual(10);
      const seen = new Map<string, number>();
      let checksum = await lfiChecksum(db);
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (request) => {
          const headers: Record<string, string> = {};
          const authorization = tokens.get(request.token);
          if (authorization) headers.authorization = authorization;
          if (request.body !== undefined && request.contentType)
            headers['content-type'] = request.contentType;
          const response = await fetch(`${server.url}${request.url}`, {
            method: request.method,
            headers,
            body: request.method === 'GET' ? undefined : (request.body as BodyInit | undefined),
          });
          const text = await response.text();
          const key = `${request.op.method} ${request.op.path} → ${response.status}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const sent =
            typeof request.body === 'string'
              ? request.body.slice(0, 200)
              : `bytes ${request.body?.join(',').slice(0, 200)}`;
          const what = `${request.method} ${request.url.slice(0, 200)} (${request.token}, ${request.contentType}) with ${sent} got ${response.status}: ${text.slice(0, 300)}`;

          expect(response.status, what).toBeLessThan(500);
          // Another method on the same path is that method's operation, or a 405 (a 413 if the body
          // is too large to read). A URL over 16 KB is refused (431) before any route is matched; an
          // empty or `..` segment (resolved as URLs are) names no route at all (404).
          const answering = operationsByKey.get(`${request.method} ${request.op.path}`);
          const allowed = new Set([...(answering?.statuses ?? [405, 413]), 431]);
          if (/\/(?:(?:\.|%2e){2})?(?:\/|\?|$)/i.test(request.url)) allowed.add(404);
          expect(allowed.has(response.status), `${what}; documented: ${[...allowed]}`).toBe(true);
          if (response.status >= 400) {
            expect(errorBody.safeParse(JSON.parse(text)).success, what).toBe(true);
            expect(text, what).not.toMatch(/stack|at .*\.ts:|lfi_\w+\(|sqlstate/i);
            const after = await lfiChecksum(db);
            expect(after, `${what}: a rejected request changed rows`).toEqual(checksum);
          } else {
            checksum = await lfiChecksum(db);
          }
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
      // The suite reaches every operation and gets past validation sometimes (a 2xx) and stops at it often (a 400).
      const reached = new Set([...seen.keys()].map((k) => k.split(' → ')[0]));
      expect(reached.size).toBe(operations.length);
      expect([...seen.keys()].some((k) => k.endsWith('→ 400'))).toBe(true);
      expect([...seen.keys()].some((k) => /→ 20\d$/.test(k))).toBe(true);
    }, 240_000);
  },
);
