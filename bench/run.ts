import { readdir } from 'node:fs/promises';
import type { Bench, BenchResult } from './bench.ts';

// `npm run bench [name-filter]`: runs every bench/*.bench.ts and prints one table.
const filter = process.argv[2];
const dir = new URL('./', import.meta.url);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}…\n`);
  const bench = (await import(new URL(file, dir).href)).default as Bench;
  results.push(...(await bench()));
}

const rows = results.map((r) => [
  r.bench,
  r.metric,
  `${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}`.trim(),
  r.target ?? '',
  r.pass === undefined ? '' : r.pass ? 'ok' : 'MISSED',
]);
const header = ['bench', 'metric', 'value', 'target', 'result'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of rows) console.log(line(row));
if (results.some((r) => r.pass === false)) process.exitCode = 1;
