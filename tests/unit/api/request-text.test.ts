import { describe, expect, it } from 'vitest';
import { decodeUtf8, textProblems } from '../../../shared/api/request-text.ts';

describe('text the API refuses before any schema sees it', () => {
  it('names every string with a NUL or a lone surrogate, at any depth', () => {
    const body = {
      name: 'a\u0000b',
      list: ['ok', '\ud800'],
      nested: { reason: 'x\udc00y' },
      fine: '🙂 café',
    };
    expect(textProblems('body', body)).toEqual([
      { field: 'body.name', message: 'must not contain NUL characters' },
      { field: 'body.list.1', message: 'must be Unicode text (it has a lone surrogate)' },
      { field: 'body.nested.reason', message: 'must be Unicode text (it has a lone surrogate)' },
    ]);
  });

  it('names the keys that mean something to JavaScript objects, also as JSON.parse makes them', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "a": {"constructor": 1}, "prototype": 2}');
    expect(textProblems('body', body).map((p) => p.field)).toEqual([
      'body.__proto__',
      'body.a.constructor',
      'body.prototype',
    ]);
  });

  it('refuses nesting deeper than a request needs, without walking it (a deep body overflowed the stack: a 500)', () => {
    const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const problems = textProblems('body', deep);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('is nested deeper than 16 levels');
    expect(textProblems('body', { a: { b: [1, [2]] } })).toEqual([]);
  });

  it('finds nothing wrong with ordinary input', () => {
    expect(textProblems('query', { from: '2026-11-01', limit: '10' })).toEqual([]);
    expect(textProblems('body', undefined)).toEqual([]);
  });
});

describe('reading a body as UTF-8', () => {
  it('reads UTF-8, and gives nothing (never U+FFFD) for bytes that are not', () => {
    expect(decodeUtf8(Buffer.from('{"name":"Café 🙂"}'))).toBe('{"name":"Café 🙂"}');
    expect(decodeUtf8(new Uint8Array([0x7b, 0xe9, 0x7d]))).toBeUndefined();
    expect(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBeUndefined();
    expect(decodeUtf8(new Uint8Array([0xc0, 0xaf]))).toBeUndefined();
  });
});
