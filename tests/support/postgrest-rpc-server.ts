import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SqlDatabase } from '../../shared/db/database.port.ts';
import { rpcStatement } from '../../shared/db/rpc-statement.ts';

/**
 * A stand-in for Supabase's REST endpoint, enough for supabase-js's `rpc()`: it answers
 * `POST /rest/v1/rpc/<fn>` with a JSON object of named arguments by calling `public.<fn>` on a SQL
 * database through the adapters' rpc statement, and answers as PostgREST does: the result as
 * JSON (`to_json`, so numeric comes back as a JSON number) with 200, 204 for a void function, and
 * errors as `{ code, message, details, hint }` with PostgREST's status codes.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface PostgrestRpcServer {
  /** The project URL to give supabase-js, e.g. http://127.0.0.1:54321. */
  readonly url: string;
  /** Every request received, in order: tests check what supabase-js sent. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

interface PostgrestError {
  readonly code: string;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
}

class HttpError extends Error {
  readonly status: number;
  readonly body: PostgrestError;
  constructor(status: number, body: PostgrestError) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

export async function startPostgrestRpcServer(
  db: SqlDatabase,
  options: { readonly serviceRoleKey: string },
): Promise<PostgrestRpcServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    try {
      const text = await readBody(request);
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const body = parseJson(text);
      requests.push({ method: request.method ?? '', path, headers: request.headers, body });
      checkServiceRoleKey(request.headers, options.serviceRoleKey);
      const fn = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(path)?.[1];
      if (request.method !== 'POST' || !fn) {
        throw new HttpError(404, error('PGRST125', `Invalid path specified in request URL: ${path}`));
      }
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, error('PGRST102', 'Empty or invalid json'));
      }
      const args = body as Record<string, unknown>;
      const { returnsVoid } = await findFunction(db, fn, Object.keys(args));
      const { sql, params } = rpcStatement(fn, args);
      if (returnsVoid) {
        await callFunction(db, sql, params);
        response.writeHead(204).end();
        return;
      }
      const [row] = await callFunction(
        db,
        `select to_json(call.result) as result from (${sql}) as call`,
        params,
      );
      send(response, 200, row?.result ?? null);
    } catch (failure) {
      if (failure instanceof HttpError) send(response, failure.status, failure.body);
      else send(response, 500, error('PGRST000', failure instanceof Error ? failure.message : 'failed'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}

/** supabase-js sends the key twice: as `apikey` (for Supabase's gateway) and as the bearer JWT. */
function checkServiceRoleKey(headers: IncomingHttpHeaders, key: string): void {
  if (headers.apikey !== key || headers.authorization !== `Bearer ${key}`) {
    throw new HttpError(
      401,
      error('PGRST301', 'Invalid API key', null, 'Send the service-role key as apikey and bearer token.'),
    );
  }
}

/** PostgREST picks the function whose argument names match the body's keys; none → PGRST202. */
async function findFunction(
  db: SqlDatabase,
  fn: string,
  argNames: string[],
): Promise<{ returnsVoid: boolean }> {
  const candidates = await db.query<{ names: string[]; required: number; returns_void: boolean }>(
    `select coalesce(p.proargnames[1:p.pronargs], '{}') as names,
            p.pronargs - p.pronargdefaults as required,
            p.prorettype = 'void'::regtype as returns_void
       from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.proname = $1`,
    [fn],
  );
  const match = candidates.find(
    (candidate) =>
      argNames.every((name) => candidate.names.includes(name)) &&
      candidate.names.slice(0, candidate.required).every((name) => argNames.includes(name)),
  );
  if (!match) {
    const signature = [...argNames].sort().join(', ');
    throw new HttpError(
      404,
      error(
        'PGRST202',
        `Could not find the function public.${fn}(${signature}) in the schema cache`,
        `Searched for the function public.${fn} with parameters ${signature || '(none)'}, but no matches were found in the schema cache.`,
      ),
    );
  }
  return { returnsVoid: match.returns_void };
}

async function callFunction(db: SqlDatabase, sql: string, params: unknown[]) {
  try {
    return await db.query<{ result: unknown }>(sql, params);
  } catch (failure) {
    const { code, message, detail, hint } = failure as {
      code?: string;
      message?: string;
      detail?: string;
      hint?: string;
    };
    const sqlState = code ?? 'XX000';
    throw new HttpError(
      statusForSqlState(sqlState),
      error(sqlState, message ?? 'database error', detail ?? null, hint ?? null),
    );
  }
}

/** PostgREST's mapping of SQLSTATE to HTTP status, the part that matters for rpc calls. */
function statusForSqlState(code: string): number {
  if (code === '23505' || code === '23503') return 409;
  if (code === '42883' || code === '42P01') return 404;
  if (code === '42501') return 403;
  if (code === 'P0001') return 400;
  if (/^(08|53)/.test(code)) return 503;
  if (/^(25|2D|38|39|3B|40|54|55|57|58|F0|HV|P0|XX)/.test(code)) return 500;
  return 400;
}

function error(code: string, message: string, details: string | null = null, hint: string | null = null) {
  return { code, message, details, hint };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, error('PGRST102', 'Empty or invalid json'));
  }
}

async function readBody(request: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
