import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { contentTypeOf, type DashboardFile } from '../shared/dashboard/dashboard-assets.ts';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles the page (esbuild: one ES module, supabase-js split off and loaded only in AWS mode,
 * minified) and returns every file by its URL path: `index.html` and `assets/*`.
 */
export async function buildDashboard(): Promise<Map<string, DashboardFile>> {
  const result = await build({
    entryPoints: [join(root, 'src/main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    outdir: join(root, 'assets'),
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, DashboardFile>();
  for (const file of result.outputFiles) {
    const name = `assets/${file.path.split('/').pop()}`;
    files.set(name, { contentType: contentTypeOf(name), body: file.contents });
  }
  files.set('index.html', {
    contentType: contentTypeOf('index.html'),
    body: await readFile(join(root, 'index.html')),
  });
  return files;
}

/** `node dashboard/build.ts OUT_DIR`: writes the built files (CDK's bundling puts them beside the handler). */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error('Usage: node dashboard/build.ts OUT_DIR');
  for (const [name, file] of await buildDashboard()) {
    await mkdir(dirname(join(out, name)), { recursive: true });
    await writeFile(join(out, name), file.body);
  }
}
