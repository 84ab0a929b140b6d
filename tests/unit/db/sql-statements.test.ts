import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../../shared/db/sql-statements.ts';

const texts = (script: string) => splitSqlStatements(script).map((statement) => statement.text);

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty statements and trailing whitespace', () => {
    expect(texts('select 1;\n\n  select 2 ;;\nselect 3')).toEqual(['select 1', 'select 2', 'select 3']);
  });

  it('keeps semicolons inside quoted strings, escaped quotes and quoted identifiers', () => {
    const script = `insert into t values ('a;b', 'it''s; fine');\nselect "odd;name" from t;\nselect E'x\\';y';select 4;`;

    expect(texts(script)).toEqual([
      "insert into t values ('a;b', 'it''s; fine')",
      'select "odd;name" from t',
      "select E'x\\';y'",
      'select 4',
    ]);
  });

  it('keeps dollar-quoted bodies whole, with or without a tag, and ignores positional $1', () => {
    const script = `do $$ begin perform 1; end $$;
create function f(a int) returns int language plpgsql as $body$ begin return $1; end; $body$;
prepare p as select $1;`;

    expect(texts(script)).toEqual([
      'do $$ begin perform 1; end $$',
      'create function f(a int) returns int language plpgsql as $body$ begin return $1; end; $body$',
      'prepare p as select $1',
    ]);
  });

  it('ignores semicolons in comments, starts a statement at its first token, drops comment-only fragments', () => {
    const script = `-- first; not a statement
select 1; /* outer; /* inner; */ still comment; */ select 2;
-- trailing comment;`;

    expect(texts(script)).toEqual(['select 1', 'select 2']);
    expect(texts('select /* a; b */ 1 -- c;\n + 2;')).toEqual(['select /* a; b */ 1 -- c;\n + 2']);
  });

  it('keeps a BEGIN ATOMIC function body whole, CASE ... END included', () => {
    const script = `create or replace function g(x int) returns int language sql
begin atomic
  select case when x > 0 then 1 else 0 end;
  select x;
end;
select 9;`;

    expect(texts(script)).toEqual([
      'create or replace function g(x int) returns int language sql\nbegin atomic\n  select case when x > 0 then 1 else 0 end;\n  select x;\nend',
      'select 9',
    ]);
  });

  it('does not treat BEGIN outside a function definition as a block', () => {
    expect(texts('begin; select 1; commit;')).toEqual(['begin', 'select 1', 'commit']);
  });

  it('reports where each statement starts: offsets into the script and 1-based lines', () => {
    const script = 'select 1;\n\n  select\n 2;';

    const [first, second] = splitSqlStatements(script);

    expect(first).toMatchObject({ start: 0, end: 8, line: 1 });
    expect(second).toMatchObject({ line: 3, text: 'select\n 2' });
    expect(second && script.slice(second.start, second.end)).toBe(second?.text);
  });

  it('gives back any list of simple statements joined by semicolons', () => {
    const word = fc.constantFrom(
      'select',
      'x',
      "'a;b'",
      '"q;r"',
      '$$;$$',
      '1',
      'y /* c; */ z',
      'w -- c;\n v',
    );
    const statement = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));

    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), (statements) => {
        const script = statements.map((text) => `${text};\n`).join('');
        const split = splitSqlStatements(script);
        expect(split.map((s) => s.text)).toEqual(statements);
        for (const s of split) expect(script.slice(s.start, s.end)).toBe(s.text);
      }),
    );
  });
});
