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

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/** Runs `measure` `rounds` times, one after another, and returns the median of what it measured. */
export async function medianOf(rounds: number, measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let round = 0; round < rounds; round += 1) values.push(await measure());
  return median(values);
}
