import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, lockFileName } from '../../../shared/db/data-dir-lock.ts';
import { openEmbeddedDatabase } from '../../../shared/db/embedded-database.ts';
import { servePgliteSocket } from '../../../shared/db/pglite-socket.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'lfi-owner-')), '.lfi');
});
afterEach(async () => {
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

/** Three pools of four connections each run 400 parameterised queries and 40 transactions at once. */
async function concurrentClients(url: string): Promise<{ wrong: number; rows: number }> {
  const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: url, max: 4 }));
  let wrong = 0;
  try {
    await pools[0]?.query('create table t (id int primary key)');
    await Promise.all(
      pools.flatMap((pool, p) =>
        Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < 30; i += 1) {
            const a = p * 1000 + w * 100 + i;
            const rows =
              i % 2
                ? (await pool.query('select $1::int + 1 as x, $2::text as s', [a, `s${a}`])).rows
                : (await pool.query('select $1::int * 2 as y', [a])).rows;
            const right = i % 2 ? rows[0]?.x === a + 1 && rows[0]?.s === `s${a}` : rows[0]?.y === a * 2;
            if (!right) wrong += 1;
            if (i % 10 === 0) {
              const client = await pool.connect();
              try {
                await client.query('begin');
                await client.query('insert into t values ($1)', [a]);
                await new Promise((resolve) => setTimeout(resolve, 5));
                await client.query('commit');
              } finally {
                client.release();
              }
            }
          }
        }),
      ),
    );
    const counted = await pools[0]?.query('select count(*)::int as n from t');
    return { wrong, rows: counted?.rows[0]?.n ?? 0 };
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

describe('the embedded database shared on a loopback port', () => {
  it("keeps concurrent clients' queries and transactions apart (pglite-socket's own server mixes them up)", async () => {
    const mixed = await PGlite.create();
    const plain = new PGLiteSocketServer({ db: mixed, port: 0, maxConnections: 20 });
    await plain.start();
    const plainResult = await concurrentClients(
      `postgres://postgres@${plain.getServerConn()}/postgres`,
    ).catch(() => ({ wrong: 1, rows: 0 }));
    await plain.stop();
    await mixed.close();
    // What this module is for: the package's server answers some clients with others' rows.
    expect(plainResult.wrong).toBeGreaterThan(0);

    const db = await PGlite.create();
    const socket = await servePgliteSocket(db);
    try {
      expect(await concurrentClients(socket.url)).toEqual({ wrong: 0, rows: 36 });
    } finally {
      await socket.close();
      await db.close();
    }
  });

  it('rolls back the transaction of a client that goes away, and lets the others on', async () => {
    const db = await PGlite.create();
    const socket = await servePgliteSocket(db);
    const other = new pg.Pool({ connectionString: socket.url });
    try {
      await other.query('create table t (id int)');
      const client = new pg.Client({ connectionString: socket.url });
      client.on('error', () => {});
      await client.connect();
      await client.query('begin');
      await client.query('insert into t values (1)');
      const waiting = other.query('select count(*)::int as n from t');
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await waiting).rows).toEqual([{ n: 0 }]);
    } finally {
      await other.end();
      await socket.close();
      await db.close();
    }
  });
});

describe('one owner of the data folder', () => {
  it('lets other processes through the owner that shares it, and records its port in the lock', async () => {
    const owner = await openEmbeddedDatabase(dataDir, { command: 'lfi serve', share: true });
    const notes: string[] = [];
    try {
      const lock = JSON.parse(await readFile(join(dataDir, lockFileName), 'utf8'));
      expect(lock).toMatchObject({ pid: process.pid, command: 'lfi serve' });
      expect(lock.databasePort).toBeGreaterThan(0);
      await owner.exec('create table t (v text)');

      const guest = await openEmbeddedDatabase(dataDir, {
        command: 'lfi run',
        note: (text) => notes.push(text),
      });
      expect(guest.kind).toBe('postgres');
      await guest.query(`insert into t values ('from the guest')`);
      await guest.close();
      expect(await owner.query('select v from t')).toEqual([{ v: 'from the guest' }]);
      expect(notes).toEqual([expect.stringMatching(/through `lfi serve` \(pid \d+\), which holds it/)]);

      await expect(openEmbeddedDatabase(dataDir, { command: 'lfi serve', share: true })).rejects.toThrow(
        /`lfi serve` \(pid \d+\) holds .*; it already serves it/,
      );
    } finally {
      await owner.close();
    }
    await expect(readFile(join(dataDir, lockFileName))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses at once, in a sentence, while another command has the folder open', async () => {
    const runner = await openEmbeddedDatabase(dataDir, { command: 'lfi run' });
    try {
      const started = Date.now();
      await expect(openEmbeddedDatabase(dataDir, { command: 'lfi demo' })).rejects.toThrow(
        /^`lfi run` \(pid \d+\) holds .*\.lfi; wait for it to finish, or stop it\./,
      );
      await expect(openEmbeddedDatabase(dataDir, { command: 'lfi serve', share: true })).rejects.toThrow(
        /start `lfi serve` when it has finished/,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await runner.close();
    }
  });

  it('takes over the lock of a process that died, saying whose', async () => {
    const dead = await acquireDataDirLock(dataDir, 'lfi run', { pid: 999_999 });
    expect(dead.kind).toBe('acquired');
    const notes: string[] = [];
    const db = await openEmbeddedDatabase(dataDir, { command: 'lfi run', note: (text) => notes.push(text) });
    try {
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      expect(notes).toEqual([
        expect.stringMatching(/^Took over .* from `lfi run` \(pid 999999\), which is no longer running\.$/),
      ]);
    } finally {
      await db.close();
    }
  });

  it('gives up on an lfi serve that holds the folder but does not answer, in bounded time', async () => {
    // A serve that died without its exit handler and whose pid is alive again (pid reuse) is
    // indistinguishable from a hung one: this process's pid, a port nobody listens on.
    const held = await acquireDataDirLock(dataDir, 'lfi serve');
    if (held.kind !== 'acquired') throw new Error('The lock was free.');
    await held.lock.update({ databasePort: 9 });
    try {
      const started = Date.now();
      await expect(
        openEmbeddedDatabase(dataDir, { command: 'lfi run', connectTimeoutMs: 1_000 }),
      ).rejects.toThrow(
        /`lfi serve` \(pid \d+\) holds .* but does not answer on 127\.0\.0\.1:9 .*; stop it and try again\./,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await held.lock.release();
    }
  });

  it('waits a bounded time for an lfi serve still starting, then says so', async () => {
    const held = await acquireDataDirLock(dataDir, 'lfi serve');
    if (held.kind !== 'acquired') throw new Error('The lock was free.');
    try {
      await expect(
        openEmbeddedDatabase(dataDir, { command: 'lfi run', startingWaitMs: 500 }),
      ).rejects.toThrow(
        /holds .* but has not started sharing it; wait until it prints its address, or stop it\./,
      );
    } finally {
      await held.lock.release();
    }
  });

  it('reads an unreadable lock as stale', async () => {
    await openEmbeddedDatabase(dataDir, { command: 'lfi migrate' }).then((db) => db.close());
    await writeFile(join(dataDir, lockFileName), 'not json');
    const db = await openEmbeddedDatabase(dataDir, { command: 'lfi run' });
    await db.close();
  });
});

describe('who counts as the owner', () => {
  it('a live Node.js process does; a dead pid or one reused by another program does not', async () => {
    const { processAlive } = await import('../../../shared/db/data-dir-lock.ts');
    const { spawn } = await import('node:child_process');
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(999_999)).toBe(false);
    const other = spawn('sleep', ['5']);
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      expect(processAlive(other.pid ?? 0)).toBe(false);
    } finally {
      other.kill();
    }
  });
});
