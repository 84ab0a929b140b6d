/**
 * A short-lived cache of read responses. LFI's data changes nightly and on admin writes, while
 * the dashboard polls the same few reads: serving them from memory for a few seconds keeps the
 * API fast under load (the embedded database answers one query at a time). Identical reads in
 * flight share one database call; an expired entry is served once more while one refresh runs,
 * so no request waits on a reload; any write through this process clears the cache, so an admin
 * sees their own change at once, and another process's write shows within about the TTL.
 */
interface Entry {
  expires: number;
  body: Promise<string>;
  refreshing: boolean;
}

export class ReadCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(ttlMs: number, maxEntries = 1000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  read(key: string, now: number, load: () => Promise<string>): Promise<string> {
    if (this.#ttlMs <= 0) return load();
    const entry = this.#entries.get(key);
    if (!entry) {
      if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
      return this.#store(key, now, load);
    }
    if (entry.expires <= now && !entry.refreshing) {
      entry.refreshing = true;
      this.#store(key, now, load, entry);
    }
    return entry.body;
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * Loads and remembers a body; a failed load is forgotten (or keeps the stale body) so the next
   * request tries again. The result is kept only while the entry it started from is still there:
   * a write that cleared the cache meanwhile must not get the pre-write body back.
   */
  #store(key: string, now: number, load: () => Promise<string>, stale?: Entry): Promise<string> {
    const next: Entry = { expires: now + this.#ttlMs, body: load(), refreshing: false };
    const current = stale ?? next;
    if (!stale) this.#entries.set(key, next);
    next.body.then(
      () => {
        if (this.#entries.get(key) === current) this.#entries.set(key, next);
      },
      () => {
        if (stale) stale.refreshing = false;
        else if (this.#entries.get(key) === next) this.#entries.delete(key);
      },
    );
    return next.body;
  }
}
