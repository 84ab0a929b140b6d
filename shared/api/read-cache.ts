/**
 * A short-lived cache of read responses. LFI's data changes nightly and on admin writes, while
 * the dashboard polls the same few reads: serving them from memory for a few seconds keeps the
 * API fast under load (the embedded database answers one query at a time). Identical reads in
 * flight share one database call, and any write through this process clears the cache, so an
 * admin sees their own change at once; another process's write shows within the TTL.
 */
export class ReadCache {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { expires: number; body: Promise<string> }>();
  readonly #maxEntries: number;

  constructor(ttlMs: number, maxEntries = 1000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  read(key: string, now: number, load: () => Promise<string>): Promise<string> {
    if (this.#ttlMs <= 0) return load();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.body;
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    const body = load();
    this.#entries.set(key, { expires: now + this.#ttlMs, body });
    // A failed read is not remembered: the next request tries again.
    body.catch(() => this.#entries.delete(key));
    return body;
  }

  clear(): void {
    this.#entries.clear();
  }
}
