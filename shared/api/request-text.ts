import type { FieldProblem } from './api.errors.ts';

/**
 * What the API refuses in any text it is sent, before the route's schema looks at it: NUL
 * characters (PostgreSQL text cannot hold them), lone surrogates (not Unicode text; JSON allows
 * them as \ud800 escapes, PostgreSQL does not), and the object keys that mean something to
 * JavaScript objects (`__proto__`, `constructor`, `prototype`), and nesting deeper than any request
 * needs (which would otherwise exhaust the stack of whatever walks it). Each problem names its field.
 */
export const prototypeKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function textProblems(where: string, value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  visit(where, value, problems, 0);
  return problems;
}

const maxDepth = 16;

function visit(field: string, value: unknown, problems: FieldProblem[], depth: number): void {
  if (depth > maxDepth && value !== null && typeof value === 'object') {
    problems.push({ field, message: `is nested deeper than ${maxDepth} levels` });
    return;
  }
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    if (problem) problems.push({ field, message: problem });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      visit(`${field}.${index}`, item, problems, depth + 1);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const keyProblem = stringProblem(key);
    if (prototypeKeys.has(key)) {
      problems.push({
        field: `${field}.${key}`,
        message: 'is a reserved name (__proto__, constructor, prototype)',
      });
    } else if (keyProblem) {
      problems.push({
        field: `${field}.${JSON.stringify(key)}`,
        message: `is a field name that ${keyProblem}`,
      });
    } else {
      visit(`${field}.${key}`, (value as Record<string, unknown>)[key], problems, depth + 1);
    }
  }
}

function stringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must be Unicode text (it has a lone surrogate)';
  return undefined;
}

/** The body's bytes as text, or undefined when they are not UTF-8 (never replaced by U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
