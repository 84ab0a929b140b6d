import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};

describe('Node parity with the Lambda runtime', () => {
  it('runs the tests on the Node major that package.json names (the Lambda runtime nodejs24.x)', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(pkg.engines.node).toBe('>=24 <25');
    expect(major).toBe(24);
  });
});
