import { isAbsolute, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../runtime/errors.ts';
import { acquireDataDirLock, type DataDirOwner, type HeldLock } from './data-dir-lock.ts';
import type { Database, SqlDatabase } from './database.port.ts';
import { openPglite } from './pglite.adapter.ts';
import { openPostgres } from './postgres.adapter.ts';

/**
 * The embedded database has one owner: the process holding its data folder's lock. The owner
 * opens the PGlite files; `lfi serve` also shares them on a loopback port (pglite-socket) and
 * reaches them itself the same way, so every process goes through one gate. Any other process
 * finds the lock: with `lfi serve` holding it, it connects to that port with the PostgreSQL
 * adapter; with another command holding it, it refuses in one sentence. None opens the files a
 * second time.
 */
export interface EmbeddedOptions {
  /** The command opening the database (`lfi run`, `lfi serve`, …), written in the lock. */
  readonly command: string;
  /** Share the database on a loopback port (lfi serve). */
  readonly share?: boolean;
  /** Where a one-line note goes (going through lfi serve, a stale lock taken over). */
  readonly note?: (text: string) => void;
  /** How long to wait for an `lfi serve` that is still starting to share the database. */
  readonly startingWaitMs?: number;
  /** How long a connection to `lfi serve`'s port may take before giving up. */
  readonly connectTimeoutMs?: number;
}

/** The data folder is another process's: the message says who and what to do. */
export class DataFolderInUseError extends AppError {
  constructor(message: string) {
    super(message, { code: 'data_folder_in_use', status: 409 });
  }
}

const locks = new WeakMap<Database, HeldLock>();

export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedOptions): Promise<SqlDatabase> {
  const note = options.note ?? (() => {});
  const near = relative(process.cwd(), dataDir);
  const folder = near === '' || near.startsWith('..') || isAbsolute(near) ? resolve(dataDir) : near;
  const deadline = Date.now() + (options.startingWaitMs ?? 30_000);
  for (;;) {
    const attempt = await acquireDataDirLock(dataDir, options.command);
    if (attempt.kind === 'acquired') {
      if (attempt.tookOverFrom)
        note(
          `Took over ${folder} from \`${attempt.tookOverFrom.command}\` (pid ${attempt.tookOverFrom.pid}), which is no longer running.`,
        );
      return own(dataDir, attempt.lock, options);
    }
    const { owner } = attempt;
    const serving = owner.command.endsWith(' serve');
    if (serving && options.share) throw new DataFolderInUseError(busy(owner, folder, options.share === true));
    if (owner.databasePort !== undefined) return throughOwner(owner, folder, options, note);
    if (!serving) throw new DataFolderInUseError(busy(owner, folder, options.share === true));
    // lfi serve is starting (migrating, then sharing): wait a bounded time for its port.
    if (Date.now() >= deadline)
      throw new DataFolderInUseError(
        `\`${owner.command}\` (pid ${owner.pid}) holds ${folder} but has not started sharing it; wait until it prints its address, or stop it.`,
      );
    await sleep(200);
  }
}

/** The dashboard's address goes in the lock, so a refusal can point to it. */
export async function recordDashboardUrl(db: Database, url: string): Promise<void> {
  await locks.get(db)?.update({ dashboardUrl: url });
}

async function own(dataDir: string, lock: HeldLock, options: EmbeddedOptions): Promise<SqlDatabase> {
  try {
    if (!options.share) {
      const db = await openPglite(dataDir);
      return remember(
        withClose(db, () => lock.release()),
        lock,
      );
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { servePgliteSocket } = await import('./pglite-socket.ts');
    const pg = await PGlite.create({ dataDir });
    const socket = await servePgliteSocket(pg);
    await lock.update({ databasePort: socket.port });
    const db = openPostgres(socket.url, { maxConnections: 4 });
    return remember(
      withClose(db, async () => {
        await socket.close();
        await pg.close();
        await lock.release();
      }),
      lock,
    );
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function throughOwner(
  owner: DataDirOwner,
  folder: string,
  options: EmbeddedOptions,
  note: (text: string) => void,
): Promise<SqlDatabase> {
  const db = openPostgres(`postgres://postgres@127.0.0.1:${owner.databasePort}/postgres`, {
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
  });
  try {
    await db.query('select 1');
  } catch (error) {
    await db.close().catch(() => {});
    throw new DataFolderInUseError(
      `\`${owner.command}\` (pid ${owner.pid}) holds ${folder} but does not answer on 127.0.0.1:${owner.databasePort} (${error instanceof Error ? error.message : String(error)}); stop it and try again.`,
    );
  }
  note(`Using ${folder} through \`${owner.command}\` (pid ${owner.pid}), which holds it.`);
  return db;
}

function busy(owner: DataDirOwner, folder: string, serving: boolean): string {
  const who = `\`${owner.command}\` (pid ${owner.pid}) holds ${folder}`;
  if (owner.command.endsWith(' serve'))
    return `${who}${owner.dashboardUrl ? ` (dashboard ${owner.dashboardUrl})` : ''}; it already serves it: use that one, or stop it first.`;
  if (serving) return `${who}; start \`lfi serve\` when it has finished, or stop it.`;
  return `${who}; wait for it to finish, or stop it. While \`lfi serve\` runs, other lfi commands go through it.`;
}

function withClose(db: SqlDatabase, after: () => Promise<void>): SqlDatabase {
  return {
    ...db,
    close: async () => {
      try {
        await db.close();
      } finally {
        await after();
      }
    },
  };
}

function remember(db: SqlDatabase, lock: HeldLock): SqlDatabase {
  locks.set(db, lock);
  return db;
}
