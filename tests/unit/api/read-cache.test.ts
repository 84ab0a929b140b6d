import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../../shared/api/read-cache.ts';

/** A load the test answers when it likes, counting calls. */
function loads() {
  const pending: ((body: string) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  let calls = 0;
  const load = () => {
    calls += 1;
    return new Promise<string>((resolve, reject) => {
      pending.push(resolve);
      failures.push(reject);
    });
  };
  return {
    load,
    calls: () => calls,
    answer: (body: string) => pending.shift()?.(body) ?? failures.shift(),
    fail: () => {
      pending.shift();
      failures.shift()?.(new Error('database down'));
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the API read cache', () => {
  it('shares one load between identical reads and serves it until it expires', async () => {
    const cache = new ReadCache(5_000);
    const db = loads();
    const first = cache.read('segments', 0, db.load);
    const second = cache.read('segments', 10, db.load);
    db.answer('v1');
    expect([await first, await second]).toEqual(['v1', 'v1']);
    expect(await cache.read('segments', 4_999, db.load)).toBe('v1');
    expect(db.calls()).toBe(1);
  });

  it('serves an expired body once more while one refresh runs, then the new one', async () => {
    const cache = new ReadCache(5_000);
    const db = loads();
    const first = cache.read('segments', 0, db.load);
    db.answer('v1');
    await first;
    expect(await cache.read('segments', 6_000, db.load)).toBe('v1');
    expect(await cache.read('segments', 6_001, db.load)).toBe('v1');
    expect(db.calls()).toBe(2);
    db.answer('v2');
    await settle();
    expect(await cache.read('segments', 6_002, db.load)).toBe('v2');
  });

  it('forgets a failed load, so the next read tries again', async () => {
    const cache = new ReadCache(5_000);
    const db = loads();
    const failed = cache.read('segments', 0, db.load);
    db.fail();
    await expect(failed).rejects.toThrow('database down');
    await settle();
    const retry = cache.read('segments', 1, db.load);
    db.answer('v1');
    expect(await retry).toBe('v1');
    expect(db.calls()).toBe(2);
  });

  it('does not keep a body loaded before a write cleared the cache', async () => {
    const cache = new ReadCache(5_000);
    const db = loads();
    const before = cache.read('segments', 0, db.load);
    cache.clear(); // an admin's write lands while the read is in flight
    db.answer('before the write');
    expect(await before).toBe('before the write');
    await settle();

    const after = cache.read('segments', 1, db.load);
    db.answer('after the write');
    expect(await after).toBe('after the write');
    expect(db.calls()).toBe(2);
  });

  it('does not put back a refreshed body that a write made stale', async () => {
    const cache = new ReadCache(5_000);
    const db = loads();
    const first = cache.read('segments', 0, db.load);
    db.answer('v1');
    await first;
    cache.read('segments', 6_000, db.load); // starts a refresh
    cache.clear();
    db.answer('refreshed before the write');
    await settle();

    const after = cache.read('segments', 6_001, db.load);
    db.answer('after the write');
    expect(await after).toBe('after the write');
  });
});
