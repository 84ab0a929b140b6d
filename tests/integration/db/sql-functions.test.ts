import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlFunctions } from '../../../shared/db/sql-function.ts';
import { databaseLanes } from '../../support/databases.ts';

const root = new URL('../../../', import.meta.url).pathname;

/** Every TypeScript file of the code that ships (not tests, benches or the dashboard's browser code). */
async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
const shipped = (await Promise.all(['shared', 'lambdas', 'cli', 'bin'].map(sourceFiles))).flat();
// Loading every module declares every SQL function it owns.
for (const file of shipped.filter((f) => f.endsWith('.repository.ts'))) await import(join(root, file));

describe.each(databaseLanes)('every declared SQL function against the live schema on $name', (lane) => {
  it('exists in public with exactly the declared argument names and types, in order', async () => {
    const db = await lane.open();
    try {
      const live = await db.query<{ name: string; args: { name: string; type: string }[] }>(
        `select p.proname as name,
                coalesce(jsonb_agg(jsonb_build_object('name', a.name, 'type', format_type(a.typ, null))
                           order by a.ord) filter (where a.name is not null), '[]') as args
           from pg_proc p
           left join lateral unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[])
                with ordinality as a(name, typ, ord) on true
          where p.pronamespace = 'public'::regnamespace and p.proname = any($1)
          group by p.oid, p.proname`,
        [sqlFunctions.map((fn) => fn.name)],
      );
      const declared = sqlFunctions.map((fn) => ({
        name: fn.name,
        args: Object.entries(fn.signature).map(([name, type]) => ({ name, type })),
      }));
      for (const fn of declared) {
        const found = live.filter((row) => row.name === fn.name);
        expect(found, `${fn.name}: one function of that name`).toHaveLength(1);
        expect(found[0]?.args, fn.name).toEqual(fn.args);
      }
    } finally {
      await db.close();
    }
  });
});
