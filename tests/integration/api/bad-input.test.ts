import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuth } from '../../../shared/api/local-auth.ts';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';
import { lfiChecksum, seedApiData, segmentA, startTestServer, unknownSegment } from './api-fixtures.ts';

type TokenKind =
  | 'admin'
  | 'user'
  | 'growth'
  | 'customer'
  | 'smuggled-role'
  | 'no-expiry'
  | 'issued-in-future'
  | 'none'
  | 'expired'
  | 'forged'
  | 'garbage'
  | 'basic'
  | 'alg-none';

interface BadRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly token?: TokenKind;
  readonly contentType?: string | null;
  readonly body?: string;
  /** A body sent as these exact bytes (for bytes that are not UTF-8). */
  readonly bytes?: Uint8Array<ArrayBuffer>;
  readonly status: number;
  /** The field the 400's details must name. */
  readonly field?: string;
}

const json = (value: unknown) => JSON.stringify(value);
/** UTF-8 text, raw bytes, UTF-8 text: a body with bytes no UTF-8 encoder makes. */
const bytes = (before: string, middle: number[], after: string) =>
  new Uint8Array([...Buffer.from(before), ...middle, ...Buffer.from(after)]);
const segment = `/api/lead-segments/${segmentA}`;
const validSegment = { branch: 'schilder', region: 'limburg' };
const validOverride = { target_leads_per_day: 10, valid_from: '2026-12-01', reason: 'Test' };

const cases: readonly BadRequest[] = [
  // who is asking
  { name: 'read without a token', method: 'GET', path: '/api/lead-segments', token: 'none', status: 401 },
  {
    name: 'read with a garbage token',
    method: 'GET',
    path: '/api/lead-segments',
    token: 'garbage',
    status: 401,
  },
  { name: 'read with Basic auth', method: 'GET', path: '/api/lead-segments', token: 'basic', status: 401 },
  {
    name: 'read with an expired token',
    method: 'GET',
    path: `${segment}/stats`,
    token: 'expired',
    status: 401,
  },
  {
    name: 'read with a token signed by another key',
    method: 'GET',
    path: `${segment}/plans`,
    token: 'forged',
    status: 401,
  },
  {
    name: 'read with an unsigned (alg none) token',
    method: 'GET',
    path: '/api/orchestration/status',
    token: 'alg-none',
    status: 401,
  },
  { name: 'write without a token', method: 'POST', path: `${segment}/pause`, token: 'none', status: 401 },
  {
    name: 'write with an expired admin token',
    method: 'POST',
    path: '/api/lead-segments',
    token: 'expired',
    body: json(validSegment),
    status: 401,
  },
  {
    name: 'write with a forged admin token',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    token: 'forged',
    body: json({ enabled: true }),
    status: 401,
  },
  {
    name: 'segment create by a non-admin',
    method: 'POST',
    path: '/api/lead-segments',
    token: 'user',
    body: json(validSegment),
    status: 403,
  },
  {
    name: 'kill switch by a non-admin',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    token: 'user',
    body: json({ enabled: true }),
    status: 403,
  },
  {
    name: 'override by a non-admin',
    method: 'POST',
    path: `${segment}/overrides`,
    token: 'user',
    body: json(validOverride),
    status: 403,
  },
  {
    name: 'override clear by a non-admin',
    method: 'DELETE',
    path: `${segment}/overrides/${unknownSegment}`,
    token: 'user',
    status: 403,
  },
  { name: 'pause by a non-admin', method: 'POST', path: `${segment}/pause`, token: 'user', status: 403 },
  {
    name: 'pause by the growth team',
    method: 'POST',
    path: `${segment}/pause`,
    token: 'growth',
    status: 403,
  },
  // a valid token is not enough to read: it must carry a reader role
  {
    name: 'segment list read by a platform customer',
    method: 'GET',
    path: '/api/lead-segments',
    token: 'customer',
    status: 403,
  },
  {
    name: 'stats read by a platform customer',
    method: 'GET',
    path: `${segment}/stats`,
    token: 'customer',
    status: 403,
  },
  {
    name: 'status read by a platform customer',
    method: 'GET',
    path: '/api/orchestration/status',
    token: 'customer',
    status: 403,
  },
  {
    name: 'plans read with an unknown role',
    method: 'GET',
    path: `${segment}/plans`,
    token: 'user',
    status: 403,
  },
  {
    name: 'read with "role:admin" inside another string',
    method: 'GET',
    path: '/api/lead-segments',
    token: 'smuggled-role',
    status: 403,
  },
  {
    name: 'write with "role:admin" inside another string',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    token: 'smuggled-role',
    body: json({ enabled: true }),
    status: 403,
  },
  {
    name: 'read with a token that never expires',
    method: 'GET',
    path: '/api/lead-segments',
    token: 'no-expiry',
    status: 401,
  },
  {
    name: 'write with a token that never expires',
    method: 'POST',
    path: `${segment}/pause`,
    token: 'no-expiry',
    status: 401,
  },
  {
    name: 'read with a token issued in the future',
    method: 'GET',
    path: `${segment}/decisions`,
    token: 'issued-in-future',
    status: 401,
  },
  // path parameters
  {
    name: 'segment id that is no uuid',
    method: 'GET',
    path: '/api/lead-segments/abc/stats',
    status: 400,
    field: 'params.id',
  },
  {
    name: 'segment id that looks like SQL',
    method: 'GET',
    path: `/api/lead-segments/${encodeURIComponent("1' or '1'='1")}/plans`,
    status: 400,
    field: 'params.id',
  },
  {
    name: 'segment id with a uuid and more',
    method: 'GET',
    path: `/api/lead-segments/${segmentA}x/decisions`,
    status: 400,
    field: 'params.id',
  },
  {
    name: 'segment id badly percent-encoded',
    method: 'GET',
    path: '/api/lead-segments/%E0%A4%A/stats',
    status: 400,
    field: 'params.id',
  },
  {
    name: 'override id that is no uuid',
    method: 'DELETE',
    path: `${segment}/overrides/42`,
    status: 400,
    field: 'params.override_id',
  },
  {
    name: 'pause an unknown segment',
    method: 'POST',
    path: `/api/lead-segments/${unknownSegment}/pause`,
    status: 404,
  },
  {
    name: 'resume an unknown segment',
    method: 'POST',
    path: `/api/lead-segments/${unknownSegment}/resume`,
    status: 404,
  },
  {
    name: 'override on an unknown segment',
    method: 'POST',
    path: `/api/lead-segments/${unknownSegment}/overrides`,
    body: json(validOverride),
    status: 404,
  },
  {
    name: 'clear an unknown override',
    method: 'DELETE',
    path: `${segment}/overrides/${unknownSegment}`,
    status: 404,
  },
  {
    name: 'overrides of an unknown segment',
    method: 'GET',
    path: `/api/lead-segments/${unknownSegment}/overrides`,
    status: 404,
  },
  // query strings
  {
    name: 'impossible date 2026-02-30',
    method: 'GET',
    path: `${segment}/stats?from=2026-02-30`,
    status: 400,
    field: 'query.from',
  },
  { name: 'month 13', method: 'GET', path: `${segment}/stats?to=2026-13-01`, status: 400, field: 'query.to' },
  {
    name: 'date without leading zeros',
    method: 'GET',
    path: `${segment}/plans?from=2026-1-5`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'date as a word',
    method: 'GET',
    path: `${segment}/plans?from=yesterday`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'date with a time',
    method: 'GET',
    path: `${segment}/plans?to=2026-11-01T00:00:00Z`,
    status: 400,
    field: 'query.to',
  },
  {
    name: 'from after to',
    method: 'GET',
    path: `${segment}/stats?from=2026-11-10&to=2026-11-01`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'range over 366 days',
    method: 'GET',
    path: `${segment}/stats?from=2024-01-01&to=2026-11-24`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'range over 366 days on decisions',
    method: 'GET',
    path: `${segment}/decisions?from=2025-11-01&to=2026-11-24`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'SQL in a date',
    method: 'GET',
    path: `${segment}/stats?from=${encodeURIComponent("2026-11-01' OR 1=1 --")}`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'repeated date parameter',
    method: 'GET',
    path: `${segment}/stats?from=2026-11-01&from=2026-11-02`,
    status: 400,
    field: 'query.from',
  },
  { name: 'limit 0', method: 'GET', path: '/api/lead-segments?limit=0', status: 400, field: 'query.limit' },
  {
    name: 'limit above the maximum',
    method: 'GET',
    path: '/api/lead-segments?limit=1000',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'negative limit',
    method: 'GET',
    path: '/api/lead-segments?limit=-1',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'limit as a word',
    method: 'GET',
    path: '/api/lead-segments?limit=ten',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'limit with SQL',
    method: 'GET',
    path: `/api/lead-segments?limit=${encodeURIComponent('10; drop table lead_segments')}`,
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'fractional offset',
    method: 'GET',
    path: `${segment}/overrides?offset=1.5`,
    status: 400,
    field: 'query.offset',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    path: '/api/lead-segments?sort=name',
    status: 400,
    field: 'query.sort',
  },
  {
    name: 'query parameter on the status',
    method: 'GET',
    path: '/api/orchestration/status?verbose=1',
    status: 400,
    field: 'query.verbose',
  },
  // bodies
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/api/lead-segments',
    contentType: 'text/plain',
    body: json(validSegment),
    status: 415,
  },
  {
    name: 'no content type',
    method: 'POST',
    path: '/api/lead-segments',
    contentType: null,
    body: json(validSegment),
    status: 415,
  },
  {
    name: 'form-encoded body',
    method: 'POST',
    path: '/api/lead-segments',
    contentType: 'application/x-www-form-urlencoded',
    body: 'branch=schilder&region=limburg',
    status: 415,
  },
  {
    name: 'XML body',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    contentType: 'application/xml',
    body: '<enabled>true</enabled>',
    status: 415,
  },
  {
    name: 'text body on pause',
    method: 'POST',
    path: `${segment}/pause`,
    contentType: 'text/plain',
    body: 'holiday',
    status: 415,
  },
  {
    name: 'truncated JSON',
    method: 'POST',
    path: '/api/lead-segments',
    body: '{"branch": "sch',
    status: 400,
  },
  { name: 'empty JSON body', method: 'POST', path: '/api/lead-segments', body: '', status: 400 },
  {
    name: 'JSON array',
    method: 'POST',
    path: '/api/lead-segments',
    body: json([validSegment]),
    status: 400,
    field: 'body',
  },
  {
    name: 'JSON string',
    method: 'POST',
    path: '/api/lead-segments',
    body: json('schilder'),
    status: 400,
    field: 'body',
  },
  {
    name: 'JSON null',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: 'null',
    status: 400,
    field: 'body',
  },
  {
    name: 'missing branch',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ region: 'limburg' }),
    status: 400,
    field: 'body.branch',
  },
  {
    name: 'unknown region',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ branch: 'schilder', region: 'bavaria' }),
    status: 400,
    field: 'body.region',
  },
  {
    name: 'SQL in the branch',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ branch: "schilder'; drop table lead_segments; --", region: 'limburg' }),
    status: 400,
    field: 'body.branch',
  },
  {
    name: 'branch as a number',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ branch: 42, region: 'limburg' }),
    status: 400,
    field: 'body.branch',
  },
  {
    name: 'very long branch',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ branch: 'a'.repeat(500), region: 'limburg' }),
    status: 400,
    field: 'body.branch',
  },
  {
    name: 'utilization above 1',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, target_utilization: 1.5 }),
    status: 400,
    field: 'body.target_utilization',
  },
  {
    name: 'utilization as a string',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, target_utilization: '0.8' }),
    status: 400,
    field: 'body.target_utilization',
  },
  {
    name: 'is_active as a word',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, is_active: 'yes' }),
    status: 400,
    field: 'body.is_active',
  },
  {
    name: 'unknown body field',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, id: segmentA }),
    status: 400,
    field: 'body.id',
  },
  {
    name: 'prototype pollution',
    method: 'POST',
    path: '/api/lead-segments',
    body: '{"branch":"schilder","region":"limburg","__proto__":{"admin":true}}',
    status: 400,
  },
  {
    name: 'negative override target',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, target_leads_per_day: -1 }),
    status: 400,
    field: 'body.target_leads_per_day',
  },
  {
    name: 'fractional override target',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, target_leads_per_day: 1.5 }),
    status: 400,
    field: 'body.target_leads_per_day',
  },
  {
    name: 'override from an impossible date',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, valid_from: '2026-02-30' }),
    status: 400,
    field: 'body.valid_from',
  },
  {
    name: 'override ending before it starts',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, valid_to: '2026-11-01' }),
    status: 400,
    field: 'body.valid_to',
  },
  {
    name: 'override without a reason',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ target_leads_per_day: 10, valid_from: '2026-12-01' }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'override with a blank reason',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, reason: '   ' }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'kill switch as a string',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: json({ enabled: 'true' }),
    status: 400,
    field: 'body.enabled',
  },
  {
    name: 'kill switch without enabled',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: json({}),
    status: 400,
    field: 'body.enabled',
  },
  {
    name: 'pause reason as a number',
    method: 'POST',
    path: `${segment}/pause`,
    body: json({ reason: 5 }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'body over 16 KB',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, name: 'x'.repeat(20_000) }),
    status: 413,
  },
  {
    name: 'body of 1 MB',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: 'x'.repeat(1024 * 1024),
    status: 413,
  },
  // dates the API does not deal in (years outside 2000-2100)
  {
    name: 'from in year 99',
    method: 'GET',
    path: `${segment}/stats?from=0099-01-01`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'to in year 1',
    method: 'GET',
    path: `${segment}/plans?from=0001-01-01&to=0001-01-02`,
    status: 400,
    field: 'query.to',
  },
  {
    name: 'a default from before 2000',
    method: 'GET',
    path: `${segment}/decisions?to=2000-01-10`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'to in year 9999',
    method: 'GET',
    path: `${segment}/stats?to=9999-12-31`,
    status: 400,
    field: 'query.to',
  },
  {
    name: 'from in 2101',
    method: 'GET',
    path: `${segment}/stats?from=2101-01-01&to=2101-01-02`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'from in 1999',
    method: 'GET',
    path: `${segment}/plans?from=1999-12-31`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'override from year 50',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, valid_from: '0050-01-01' }),
    status: 400,
    field: 'body.valid_from',
  },
  {
    name: 'override to 2101',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, valid_to: '2101-01-01' }),
    status: 400,
    field: 'body.valid_to',
  },
  // characters a database cannot store, and bytes that are no UTF-8
  {
    name: 'NUL in a segment name',
    method: 'POST',
    path: '/api/lead-segments',
    body: json({ ...validSegment, name: 'Schilder\u0000Limburg' }),
    status: 400,
    field: 'body.name',
  },
  {
    name: 'NUL in a pause reason',
    method: 'POST',
    path: `${segment}/pause`,
    body: json({ reason: 'holiday\u0000' }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'a lone surrogate in an override reason',
    method: 'POST',
    path: `${segment}/overrides`,
    body: json({ ...validOverride, reason: 'broken \ud800 text' }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'a lone low surrogate in a kill switch reason',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: json({ enabled: true, reason: '\udc00' }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'a raw NUL byte in the body',
    method: 'POST',
    path: `${segment}/pause`,
    body: '{"reason":"a\u0000b"}',
    status: 400,
  },
  {
    name: 'Latin-1 bytes, not UTF-8, in the body',
    method: 'POST',
    path: '/api/lead-segments',
    bytes: bytes('{"branch":"schilder","region":"limburg","name":"Caf', [0xe9], '"}'),
    status: 400,
  },
  {
    name: 'an encoded surrogate (CESU-8) in the body',
    method: 'POST',
    path: `${segment}/pause`,
    bytes: bytes('{"reason":"', [0xed, 0xa0, 0x80], '"}'),
    status: 400,
  },
  {
    name: 'a NUL in a query parameter',
    method: 'GET',
    path: `${segment}/stats?from=2026-11-01%00`,
    status: 400,
    field: 'query.from',
  },
  {
    name: 'bytes that are no UTF-8 in a query parameter',
    method: 'GET',
    path: `${segment}/stats?from=2026-11-01%E9`,
    status: 400,
    field: 'query.from',
  },
  // keys that mean something to JavaScript objects
  {
    name: '__proto__ in the query',
    method: 'GET',
    path: '/api/lead-segments?__proto__=1',
    status: 400,
    field: 'query.__proto__',
  },
  {
    name: 'constructor in the query',
    method: 'GET',
    path: '/api/lead-segments?constructor=1',
    status: 400,
    field: 'query.constructor',
  },
  {
    name: 'prototype in the query',
    method: 'GET',
    path: '/api/orchestration/status?prototype=1',
    status: 400,
    field: 'query.prototype',
  },
  {
    name: '__proto__ in a body',
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    body: '{"enabled":true,"__proto__":{"enabled":false}}',
    status: 400,
    field: 'body.__proto__',
  },
  {
    name: 'constructor in a body',
    method: 'POST',
    path: `${segment}/pause`,
    body: '{"constructor":{"prototype":{"admin":true}}}',
    status: 400,
    field: 'body.constructor',
  },
  // methods and paths
  { name: 'PATCH on the segment list', method: 'PATCH', path: '/api/lead-segments', status: 405 },
  { name: 'DELETE on the status', method: 'DELETE', path: '/api/orchestration/status', status: 405 },
  {
    name: 'DELETE on the kill switch',
    method: 'DELETE',
    path: '/api/orchestration/kill-switch',
    status: 405,
  },
  { name: 'GET on pause', method: 'GET', path: `${segment}/pause`, status: 405 },
  { name: 'unknown path', method: 'GET', path: '/api/leads', status: 404 },
  { name: 'trailing slash', method: 'GET', path: '/api/lead-segments/', status: 404 },
];

describe.each(databaseLanes)('HTTP API bad input on $name', (lane) => {
  let db: SqlDatabase;
  let server: LocalServer;
  const tokens = new Map<TokenKind, string | undefined>();

  beforeAll(async () => {
    db = await lane.open();
    await seedApiData(db);
    server = await startTestServer(db);
    const admin = { sub: 'admin-1', email: 'admin@example.com', app_metadata: { role: 'admin' } };
    const otherKey = await createLocalAuth();
    const unsigned = `${Buffer.from(json({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(json({ ...admin, iss: 'lfi-local', aud: 'authenticated' })).toString('base64url')}.`;
    tokens.set('admin', `Bearer ${server.token}`);
    tokens.set(
      'user',
      `Bearer ${await server.signToken({ sub: 'user-1', app_metadata: { role: 'viewer' } })}`,
    );
    tokens.set(
      'growth',
      `Bearer ${await server.signToken({ sub: 'growth-1', app_metadata: { role: 'growth' } })}`,
    );
    tokens.set('customer', `Bearer ${await server.signToken({ sub: 'customer-1', role: 'authenticated' })}`);
    tokens.set(
      'smuggled-role',
      `Bearer ${await server.signToken({ sub: 'customer-2', app_metadata: { role: 'x role:admin' } })}`,
    );
    tokens.set('no-expiry', `Bearer ${await server.signToken(admin, { expiresIn: null })}`);
    tokens.set(
      'issued-in-future',
      `Bearer ${await server.signToken({ ...admin, iat: Math.floor(Date.now() / 1000) + 3600 })}`,
    );
    tokens.set('none', undefined);
    tokens.set(
      'expired',
      `Bearer ${await server.signToken(admin, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
    );
    tokens.set('forged', `Bearer ${await otherKey.sign(admin)}`);
    tokens.set('garbage', 'Bearer not.a.token');
    tokens.set('basic', 'Basic YWRtaW46YWRtaW4=');
    tokens.set('alg-none', `Bearer ${unsigned}`);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it(`rejects ${cases.length} malformed requests with the right 4xx, never a 5xx, and writes nothing`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const before = await lfiChecksum(db);
    const failures: string[] = [];
    for (const c of cases) {
      const headers: Record<string, string> = {};
      const authorization = tokens.get(c.token ?? 'admin');
      if (authorization) headers.authorization = authorization;
      const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
      const body_ = c.bytes ?? c.body;
      if (body_ !== undefined && contentType) headers['content-type'] = contentType;
      const response = await fetch(`${server.url}${c.path}`, { method: c.method, headers, body: body_ });
      const text = await response.text();
      let body: { error?: { code?: string; details?: { field: string }[] } } = {};
      try {
        body = JSON.parse(text);
      } catch {
        failures.push(`${c.name}: body is not JSON: ${text.slice(0, 80)}`);
      }
      if (response.status !== c.status)
        failures.push(`${c.name}: ${response.status} instead of ${c.status}: ${text.slice(0, 200)}`);
      if (typeof body.error?.code !== 'string') failures.push(`${c.name}: no error code`);
      if (/select |insert |stack|at .*\.ts:|lfi_\w+\(|sqlstate|\b(22|23|42|57|XX)[0-9A-Z]{3}\b/i.test(text))
        failures.push(`${c.name}: the error leaks internals: ${text}`);
      if (c.status === 405 && !response.headers.get('allow')) failures.push(`${c.name}: 405 without Allow`);
      if (c.field && !body.error?.details?.some((d) => d.field === c.field)) {
        failures.push(`${c.name}: details do not name ${c.field}: ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await lfiChecksum(db)).toEqual(before);
  });

  it('drops a request whose body ends before its Content-Length, writes nothing, and keeps serving', async () => {
    const before = await lfiChecksum(db);
    const url = new URL(server.url);
    // A raw socket: send the headers and part of the body, then hang up.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.end(
          [
            'POST /api/lead-segments HTTP/1.1',
            `Host: ${url.host}`,
            `Authorization: Bearer ${server.token}`,
            'Content-Type: application/json',
            'Content-Length: 200',
            '',
            '{"branch": "schilder", "reg',
          ].join('\r\n'),
        );
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
    });
    expect(await lfiChecksum(db)).toEqual(before);
    const next = await fetch(`${server.url}/api/lead-segments`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(next.status).toBe(200);
  });
});
