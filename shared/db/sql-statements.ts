export interface SqlStatement {
  /** The statement's text, without the terminating semicolon. */
  readonly text: string;
  /** Offsets of the statement in the script: `script.slice(start, end) === text`. */
  readonly start: number;
  readonly end: number;
  /** 1-based line of the statement's first character. */
  readonly line: number;
}

/**
 * Splits a SQL script into statements the way psql does: a semicolon ends a statement unless it is
 * inside a quoted string or identifier, a dollar-quoted body, a comment, or a `BEGIN ATOMIC ... END`
 * function body. Only used to point at the statement that failed, never to run production scripts.
 */
export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let codeStart = -1; // where the current statement's first token starts; -1 before any
  let blockDepth = 0; // BEGIN/CASE ... END nesting, counted only in CREATE FUNCTION/PROCEDURE
  let words: string[] = []; // the statement's first words, to recognise CREATE FUNCTION
  let i = 0;

  const code = (at: number) => {
    if (codeStart < 0) codeStart = at;
  };
  const push = (end: number) => {
    if (codeStart >= 0) {
      const text = script.slice(codeStart, end).trimEnd();
      statements.push({
        text,
        start: codeStart,
        end: codeStart + text.length,
        line: lineAt(script, codeStart),
      });
    }
    codeStart = -1;
    blockDepth = 0;
    words = [];
  };

  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const newline = script.indexOf('\n', i);
      i = newline === -1 ? script.length : newline + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'") {
      const escapes = /[eE]/.test(script[i - 1] ?? '') && !/[\w$]/.test(script[i - 2] ?? '');
      code(escapes ? i - 1 : i);
      i = skipQuoted(script, i, "'", escapes);
    } else if (ch === '"') {
      code(i);
      i = skipQuoted(script, i, '"', false);
    } else if (ch === '$' && !/[\w$]/.test(script[i - 1] ?? '')) {
      code(i);
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 64))?.[0];
      if (tag) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? script.length : close + tag.length;
      } else {
        i += 1;
      }
    } else if (ch === ';') {
      if (blockDepth > 0) {
        i += 1;
      } else {
        push(i);
        i += 1;
      }
    } else if (/[A-Za-z_]/.test(ch ?? '')) {
      const word = /^[A-Za-z_][\w$]*/.exec(script.slice(i, i + 64))?.[0] ?? (ch as string);
      const lower = word.toLowerCase();
      if (words.length < 4) words.push(lower);
      if (isRoutineDefinition(words)) {
        // CASE also ends with END, but only matters inside a BEGIN ATOMIC body (psql's rule).
        if (lower === 'begin' || (lower === 'case' && blockDepth > 0)) blockDepth += 1;
        else if (lower === 'end' && blockDepth > 0) blockDepth -= 1;
      }
      code(i);
      i += word.length;
    } else {
      if (ch !== undefined && !/\s/.test(ch)) code(i);
      i += 1;
    }
  }
  push(script.length);
  return statements;
}

function isRoutineDefinition(words: readonly string[]): boolean {
  if (words[0] !== 'create') return false;
  const kind = words[1] === 'or' && words[2] === 'replace' ? words[3] : words[1];
  return kind === 'function' || kind === 'procedure';
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const ch = script[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (script[i + 1] !== quote) return i + 1;
      i += 2; // a doubled quote is an escaped quote
    } else {
      i += 1;
    }
  }
  return script.length;
}

/** Postgres block comments nest. */
function skipBlockComment(script: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return script.length;
}

function lineAt(script: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (script[i] === '\n') line += 1;
  return line;
}
