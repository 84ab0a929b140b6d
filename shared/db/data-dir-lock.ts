import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The lock of the embedded database's data folder: a file naming the one process that has the
 * PGlite files open (PGlite is single-process), its command and, for `lfi serve`, the loopback
 * port on which it shares the database and the dashboard's address. Created exclusively; a lock
 * whose process is gone is taken over.
 */
export const lockFileName = 'lfi.lock';

const ownerSchema = z.object({
  pid: z.number().int().positive(),
  command: z.string().min(1),
  startedAt: z.string(),
  /** Set once the owner shares the database (lfi serve): its PostgreSQL port on 127.0.0.1. */
  databasePort: z.number().int().positive().optional(),
  /** Set once the owner serves the API and dashboard. */
  dashboardUrl: z.string().optional(),
});

export type DataDirOwner = z.infer<typeof ownerSchema>;

export interface HeldLock {
  readonly path: string;
  readonly owner: DataDirOwner;
  /** Adds what the owner now offers (its database port, its dashboard) to the lock file. */
  update(extra: Partial<Pick<DataDirOwner, 'databasePort' | 'dashboardUrl'>>): Promise<void>;
  release(): Promise<void>;
}

export type LockAttempt =
  | { readonly kind: 'acquired'; readonly lock: HeldLock; readonly tookOverFrom?: DataDirOwner }
  | { readonly kind: 'held'; readonly owner: DataDirOwner };

/**
 * Whether a process with this id runs (EPERM: it does, as another user) and, where /proc tells,
 * is a Node.js process: a pid reused by something else after a crash is no owner.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true; // no /proc (macOS), or not ours to read: trust the pid
  }
  return commandLine === '' || /node/i.test(commandLine);
}

/**
 * Takes the data folder's lock for this process, or says who holds it. A lock left by a process
 * that no longer runs (or one that cannot be read) is taken over, and `tookOverFrom` says whose.
 */
export async function acquireDataDirLock(
  dataDir: string,
  command: string,
  options: { readonly pid?: number; readonly alive?: (pid: number) => boolean } = {},
): Promise<LockAttempt> {
  const alive = options.alive ?? processAlive;
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, lockFileName);
  const owner: DataDirOwner = {
    pid: options.pid ?? process.pid,
    command,
    startedAt: new Date().toISOString(),
  };
  let tookOverFrom: DataDirOwner | undefined;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const file = await open(path, 'wx');
      try {
        await file.writeFile(JSON.stringify(owner));
      } finally {
        await file.close();
      }
      return { kind: 'acquired', lock: heldLock(path, owner), ...(tookOverFrom ? { tookOverFrom } : {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released in between: try again
    const current = parseOwner(text);
    if (current && alive(current.pid)) return { kind: 'held', owner: current };
    // Stale: move it aside under a name of our own, and check it is still the stale one (another
    // process may have taken it over and written its own since we read it).
    const aside = `${path}.stale-${randomUUID()}`;
    try {
      await rename(path, aside);
    } catch {
      continue;
    }
    const moved = await readFile(aside, 'utf8').catch(() => '');
    if (moved !== text) {
      await link(aside, path).catch(() => {}); // put the live one back (unless a third took the place)
      await unlink(aside).catch(() => {});
      continue;
    }
    await unlink(aside).catch(() => {});
    tookOverFrom = current ?? { pid: 1, command: 'unknown (unreadable lock)', startedAt: '' };
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing hands; try again.`);
}

/** Who holds the data folder's lock now, if anyone alive does. */
export async function readDataDirOwner(
  dataDir: string,
  alive: (pid: number) => boolean = processAlive,
): Promise<DataDirOwner | undefined> {
  const text = await readFile(join(dataDir, lockFileName), 'utf8').catch(() => undefined);
  const owner = text === undefined ? undefined : parseOwner(text);
  return owner && alive(owner.pid) ? owner : undefined;
}

function parseOwner(text: string): DataDirOwner | undefined {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function heldLock(path: string, initial: DataDirOwner): HeldLock {
  let owner = initial;
  let released = false;
  const ours = (text: string | undefined) => text !== undefined && parseOwner(text)?.pid === owner.pid;
  // A process that exits without closing (an uncaught error, process.exit) still gives the lock back.
  const onExit = () => {
    if (released) return;
    try {
      if (ours(readFileSync(path, 'utf8'))) unlinkSync(path);
    } catch {
      // gone already
    }
  };
  process.once('exit', onExit);
  return {
    path,
    get owner() {
      return owner;
    },
    async update(extra) {
      owner = { ...owner, ...extra };
      const temporary = `${path}.${owner.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(owner));
      await rename(temporary, path);
    },
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      if (ours(await readFile(path, 'utf8').catch(() => undefined))) await unlink(path).catch(() => {});
    },
  };
}
