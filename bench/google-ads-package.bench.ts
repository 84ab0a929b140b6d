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
const maxInitMs = 1_500;
const samples = 5;

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

/** Milliseconds to import a module in a fresh node process (what Lambda's init phase does first). */
async function importMs(file: string, after = ''): Promise<number> {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); ${after}; console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--no-deprecation', '--input-type=module', '-e', script], {
    cwd: tmpdir(),
  });
  return Number(stdout.trim());
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
    for (const step of ['aggregate', 'orchestrate', 'plan']) {
      // The handler's bundle, plus a way in to what a Google Ads night's first call loads lazily.
      const { files, metafile } = await bundleLambda(
        {
          contents: [
            `export { handler } from './lambdas/${step}/handler.ts';`,
            "export { googleAdsChannel } from './shared/runtime/runtime.ts';",
            "export { loadGoogleAds } from './shared/ads/google-ads.loader.ts';",
            "export { silentLogger } from './shared/runtime/logger.ts';",
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
      const init = Math.round(await medianOf(samples, () => importMs(file)));
      results.push({
        bench: name,
        metric: `init: import the handler (median of ${samples})`,
        value: init,
        unit: 'ms',
        target: `< ${maxInitMs} ms`,
        pass: init < maxInitMs,
      });
      if (!carriesGoogleAds) continue;
      // google-ads-api loads on the first Google Ads call of a cold start: import, then that.
      const coldStart = Math.round(
        await medianOf(samples, () =>
          importMs(
            file,
            `await m.googleAdsChannel(m.loadGoogleAds, ${JSON.stringify(credentials)}, { logger: m.silentLogger, timeZone: 'Europe/Amsterdam' })`,
          ),
        ),
      );
      results.push({
        bench: name,
        metric: `cold start: import + load google-ads-api (median of ${samples})`,
        value: coldStart,
        unit: 'ms',
        target: `< ${maxInitMs} ms`,
        pass: coldStart < maxInitMs,
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
};

export default bench;
