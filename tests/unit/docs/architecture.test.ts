import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const text = readFileSync(new URL('docs/architecture.md', root), 'utf8');
    const paths = [...text.matchAll(/`([a-z][\w./-]*\/[\w./-]*)`/g)].map((match) => match[1] ?? '');
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths.filter((path) => !existsSync(new URL(path, root)));
    expect(missing).toEqual([]);
  });
});
