import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';
import { seedApiData, startTestServer } from './api-fixtures.ts';

/**
 * `lfi serve` as a browser on this machine meets it: bound to loopback, answering only to loopback
 * names (a page elsewhere that re-points its own name at 127.0.0.1, DNS rebinding, gets nothing),
 * and handing the development token only to its own page. fetch() cannot set Host, so these
 * requests are made with node:http.
 */
interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const [lane] = databaseLanes;

describe.runIf(lane)('the local server on this machine', () => {
  let db: SqlDatabase;
  let server: LocalServer;
  let own: string;
  beforeAll(async () => {
    if (!lane) return;
    db = await lane.open();
    await seedApiData(db);
    server = await startTestServer(db);
    own = `localhost:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('listens on 127.0.0.1 unless told otherwise', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers requests that name it by a loopback name and its port', async () => {
    for (const host of [own, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      const response = await raw(server.port, '/api/openapi.json', { host });
      expect(response.status, host).toBe(200);
    }
  });

  it('refuses, with 421 and the error shape, a Host that is not a loopback name with its port', async () => {
    const hosts = [
      `evil.example:${server.port}`,
      `localhost.evil.example:${server.port}`,
      `127.0.0.1.nip.io:${server.port}`,
      'localhost',
      `localhost:${server.port + 1}`,
    ];
    for (const host of hosts) {
      for (const path of ['/api/openapi.json', '/api/lead-segments', '/', '/config.json']) {
        const response = await raw(server.port, path, { host, authorization: `Bearer ${server.token}` });
        expect(response.status, `${host} ${path}`).toBe(421);
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'misdirected_request' } });
        expect(response.body).not.toContain(server.token);
      }
    }
  });

  it('refuses a request without a Host header with 400', async () => {
    const response = await raw(server.port, '/api/openapi.json', {});
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'bad_host' } });
  });

  it('hands the development token to its own page and to a client on this machine', async () => {
    const ownPage: Record<string, string>[] = [{ host: own, 'sec-fetch-site': 'same-origin' }, { host: own }];
    for (const headers of ownPage) {
      const response = await raw(server.port, '/config.json', headers);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ mode: 'local', token: server.token });
    }
  });

  it('keeps the development token from every other page', async () => {
    const others: Record<string, string>[] = [
      { host: own, 'sec-fetch-site': 'cross-site' },
      { host: own, 'sec-fetch-site': 'same-site' },
      { host: own, 'sec-fetch-site': 'none' },
      { host: own, origin: 'http://evil.example' },
      { host: own, origin: 'null' },
    ];
    for (const headers of others) {
      const response = await raw(server.port, '/config.json', headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'forbidden' } });
      expect(response.body).not.toContain(server.token);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
