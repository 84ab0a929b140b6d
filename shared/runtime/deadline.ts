import { AsyncLocalStorage } from 'node:async_hooks';

const invocation = new AsyncLocalStorage<() => number>();

/**
 * Runs one invocation's work with its deadline in reach of the code that must not outlive it
 * (the ads channel's retries), though the runtime it uses is built once per cold start.
 */
export function withDeadline<T>(remainingMs: () => number, work: () => Promise<T>): Promise<T> {
  return invocation.run(remainingMs, work);
}

/** Milliseconds left in the current invocation; unlimited outside one. */
export function remainingMs(): number {
  return invocation.getStore()?.() ?? Number.POSITIVE_INFINITY;
}
