/** One line of `npm run bench`'s table: a measured value, and the target it must meet if any. */
export interface BenchResult {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** e.g. "≤ 1.3×"; omitted for values that are only reported. */
  readonly target?: string;
  readonly pass?: boolean;
}

/** A benchmark module default-exports one of these; `bench/run.ts` runs them all. */
export type Bench = () => Promise<BenchResult[]>;

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}
