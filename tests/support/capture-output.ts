/**
 * What the code under test writes to stdout and stderr (Powertools writes its log lines and EMF
 * documents there, as Lambda expects), one entry per write, while `work` runs.
 */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams)
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof stream.write;
  try {
    return { result: await work(), lines };
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as typeof stream.write;
    });
  }
}

/** The lines that are JSON objects, parsed. */
export const jsonLines = (lines: readonly string[]): Record<string, unknown>[] =>
  lines.flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
