import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { esmBanner, googleAdsNodeSlim, projectRoot } from '../infra/lfi-function.construct.ts';
import { type Bench, type BenchResult, medianOf } from './bench.ts';

const run = promisify(execFile);
const maxUnzippedMb = 50;
const samples = 5;
/** The steps whose handlers pass the Google Ads loader to their runtime. */
const talksToGoogleAds = new Set(['aggregate', 'orchestrate']);
// Import times are against a floor measured in the same run: an empty handler bundled the same way.
const maxInitRatio = 15;
const maxColdStartRatio = 40;

/**
 * Bundles a Lambda entry the way LfiFunction tells NodejsFunction to (infra/lfi-function.construct.ts):
 * one minified ESM file with a source map (without sources' text), everything bundled, the same
 * banner and the same google-ads-node alias.
 */
export async function bundleLambda(
  entry: string | { readonly contents: string },
  outdir: string,
): Promise<{ files: string[]; metafile: Metafile }> {
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [join(projectRoot, entry)] }
      : {
          stdin: { contents: entry.contents, resolveDir: projectRoot, loader: 'ts', sourcefile: 'entry.ts' },
        }),
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    alias: { 'google-ads-node': googleAdsNodeSlim },
    mainFields: ['module', 'main'],
    banner: { js: esmBanner },
    metafile: true,
    logLevel: 'silent',
  });
  return { files: [join(outdir, 'index.mjs'), join(outdir, 'index.mjs.map')], metafile: result.metafile };
}

/**
 * Milliseconds from starting a fresh node process to having imported a module (and run `after`):
 * what a Lambda cold start does before the first event.
 */
async function importMs(file: string, after = ''): Promise<number> {
  const script = `const m = await import(${JSON.stringify(file)}); ${after};`;
  const started = performance.now();
  await run(process.execPath, ['--no-deprecation', '--input-type=module', '-e', script], { cwd: tmpdir() });
  return performance.now() - started;
}

async function sizes(files: readonly string[]): Promise<{ unzipped: number; zipped: number }> {
  let unzipped = 0;
  let zipped = 0;
  for (const file of files) {
    unzipped += (await stat(file)).size;
    zipped += deflateRawSync(await readFile(file), { level: 9 }).length; // a zip stores deflate-compressed files
  }
  return { unzipped, zipped };
}

const mb = (bytes: number) => Math.round((bytes / 1e6) * 100) / 100;

const credentials = {
  developer_token: 'd',
  client_id: 'c',
  client_secret: 's',
  refresh_token: 'r',
  login_customer_id: '1234567890',
};

const bench: Bench = async () => {
  const work = await mkdtemp(join(tmpdir(), 'lfi-google-ads-bench-'));
  const results: BenchResult[] = [];
  try {
    const empty = await bundleLambda(
      { contents: 'export const handler = async () => ({});' },
      join(work, 'empty'),
    );
    const floorMs = await medianOf(samples, () => importMs(empty.files[0] ?? ''));
    results.push({
      bench: 'google-ads package',
      metric: `floor: start node and import an empty bundle (median of ${samples})`,
      value: Math.round(floorMs),
      unit: 'ms',
    });
    for (const step of ['aggregate', 'orchestrate', 'plan']) {
      // The handler's bundle, plus a way in to what a Google Ads night's first call loads lazily.
      const { files, metafile } = await bundleLambda(
        {
          contents: [
            `export { handler } from './lambdas/${step}/handler.ts';`,
            ...(talksToGoogleAds.has(step)
              ? [
                  "export { googleAdsChannel } from './shared/runtime/runtime.ts';",
                  "export { loadGoogleAds } from './shared/ads/google-ads.loader.ts';",
                  "export { silentLogger } from './shared/runtime/logger.ts';",
                ]
              : []),
          ].join('\n'),
        },
        join(work, step),
      );
      const size = await sizes(files);
      const name = `google-ads package (${step} Lambda)`;
      const carriesGoogleAds = Object.keys(metafile.inputs).some((f) =>
        f.includes('node_modules/google-ads-api/'),
      );
      results.push(
        { bench: name, metric: 'bundles google-ads-api', value: carriesGoogleAds ? 1 : 0, unit: '(1 = yes)' },
        {
          bench: name,
          metric: 'bundle unzipped (js + map)',
          value: mb(size.unzipped),
          unit: 'MB',
          target: `< ${maxUnzippedMb} MB`,
          pass: size.unzipped < maxUnzippedMb * 1e6,
        },
        { bench: name, metric: 'bundle zipped', value: mb(size.zipped), unit: 'MB' },
      );
      const file = files[0] ?? '';
      const init = await medianOf(samples, () => importMs(file));
      results.push(
        {
          bench: name,
          metric: `init: import the handler (median of ${samples})`,
          value: Math.round(init),
          unit: 'ms',
        },
        {
          bench: name,
          metric: 'init / floor',
          value: init / floorMs,
          unit: '×',
          target: `≤ ${maxInitRatio}×`,
          pass: init / floorMs <= maxInitRatio,
        },
      );
      if (!carriesGoogleAds) continue;
      // google-ads-api loads on the first Google Ads call of a cold start: import, then that.
      const coldStart = await medianOf(samples, () =>
        importMs(
          file,
          `await m.googleAdsChannel(m.loadGoogleAds, ${JSON.stringify(credentials)}, { logger: m.silentLogger, timeZone: 'Europe/Amsterdam' })`,
        ),
      );
      results.push(
        {
          bench: name,
          metric: `cold start: import + load google-ads-api (median of ${samples})`,
          value: Math.round(coldStart),
          unit: 'ms',
        },
        {
          bench: name,
          metric: 'cold start / floor',
          value: coldStart / floorMs,
          unit: '×',
          target: `≤ ${maxColdStartRatio}×`,
          pass: coldStart / floorMs <= maxColdStartRatio,
        },
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
};

export default bench;
