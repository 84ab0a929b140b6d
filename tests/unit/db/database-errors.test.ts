import { describe, expect, it } from 'vitest';
import {
  DatabaseFunctionError,
  databaseCallError,
  isTransientDatabaseFailure,
} from '../../../shared/db/database.errors.ts';
import { runRpc } from '../../../shared/db/rpc-statement.ts';
import { TransientError } from '../../../shared/runtime/errors.ts';

describe('isTransientDatabaseFailure', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08001', 'unable to connect'],
    ['53300', 'too many connections'],
    ['53200', 'out of memory'],
    ['57P01', 'terminated by the administrator'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['PGRST000', 'PostgREST could not connect'],
    ['PGRST003', 'PostgREST pool timeout'],
  ])('retries SQLSTATE %s (%s)', (code) => {
    expect(isTransientDatabaseFailure({ code })).toBe(true);
  });

  it.each([
    ['23505', 'unique violation'],
    ['22P02', 'invalid text'],
    ['42883', 'function missing'],
    ['P0001', 'raised by a function'],
    ['57014', 'statement cancelled (a timeout we set: the same call would time out again)'],
    ['PGRST202', 'function not found'],
  ])('does not retry SQLSTATE %s (%s)', (code) => {
    expect(isTransientDatabaseFailure({ code })).toBe(false);
  });

  it('retries PostgREST 502, 503, 504 and a request that got no answer, not a 400 or a 500', () => {
    for (const status of [0, 502, 503, 504]) expect(isTransientDatabaseFailure({ status })).toBe(true);
    for (const status of [400, 404, 409, 500]) expect(isTransientDatabaseFailure({ status })).toBe(false);
  });

  it('retries connection resets, refusals and timeouts found anywhere in the cause chain', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(isTransientDatabaseFailure({ cause: reset })).toBe(true);
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    });
    expect(isTransientDatabaseFailure({ cause: new Error('wrapped', { cause: refused }) })).toBe(true);
    const timedOut = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
    expect(isTransientDatabaseFailure({ cause: timedOut })).toBe(true);
    expect(
      isTransientDatabaseFailure({ cause: new DOMException('The operation timed out', 'TimeoutError') }),
    ).toBe(true);
  });

  it('retries a connection node-postgres reports closed only in words', () => {
    expect(isTransientDatabaseFailure({ message: 'Connection terminated unexpectedly' })).toBe(true);
    expect(
      isTransientDatabaseFailure({
        message: 'Client has encountered a connection error and is not queryable',
      }),
    ).toBe(true);
  });

  it('does not retry an ordinary error', () => {
    expect(isTransientDatabaseFailure({ message: 'No run 1 to finish', code: 'P0002' })).toBe(false);
    expect(isTransientDatabaseFailure({ cause: new RangeError('bad') })).toBe(false);
  });
});

describe('databaseCallError', () => {
  it('wraps a passing fault in a TransientError that keeps the function, SQLSTATE and the original', () => {
    const original = new DatabaseFunctionError('lfi_save_plans', 'terminating connection', '57P01');
    const error = databaseCallError(original);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
    expect(error.message).toContain('Database function lfi_save_plans failed (57P01)');
    expect(error.cause).toBe(original);
  });

  it('passes any other failure on as the DatabaseFunctionError it is', () => {
    const original = new DatabaseFunctionError('lfi_save_plans', 'duplicate key', '23505');
    expect(databaseCallError(original)).toBe(original);
  });

  it('lets the adapter add what PostgREST answered', () => {
    const original = new DatabaseFunctionError('lfi_save_plans', 'Service Unavailable', undefined);
    expect(databaseCallError(original, { status: 503 })).toBeInstanceOf(TransientError);
  });
});

describe('runRpc', () => {
  it('throws TransientError when the driver reports a terminated backend', async () => {
    const session = {
      query: async () => {
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      },
      exec: async () => {},
    };
    await expect(runRpc(session, 'lfi_plan_inputs')).rejects.toBeInstanceOf(TransientError);
  });

  it('throws DatabaseFunctionError for an error that would come back the same', async () => {
    const session = {
      query: async () => {
        throw Object.assign(new Error('duplicate key value'), { code: '23505' });
      },
      exec: async () => {},
    };
    await expect(runRpc(session, 'lfi_plan_inputs')).rejects.toBeInstanceOf(DatabaseFunctionError);
  });
});
