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
    if (entry && entry.expires > now) return entry.body;
    if (entry && !entry.refreshing) {
      entry.refreshing = true;
      const stale = entry.body;
      this.#store(key, now, load, stale);
      return stale;
    }
    if (entry) return entry.body;
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    return this.#store(key, now, load);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Loads and remembers a body; a failed load is forgotten (or keeps the stale body) so the next request tries again. */
  #store(key: string, now: number, load: () => Promise<string>, stale?: Promise<string>): Promise<string> {
    const body = load();
    body.then(
      () => this.#entries.set(key, { expires: now + this.#ttlMs, body, refreshing: false }),
      () => {
        if (stale) this.#entries.set(key, { expires: 0, body: stale, refreshing: false });
        else this.#entries.delete(key);
      },
    );
    if (!stale) this.#entries.set(key, { expires: now + this.#ttlMs, body, refreshing: false });
    return body;
  }
}
