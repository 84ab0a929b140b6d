import { describe, expect, it } from 'vitest';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { LocalMigrationsMissingError } from '../../../shared/db/database.errors.ts';
import type { SqlSession } from '../../../shared/db/database.port.ts';
import { localMigrationsDir, migrate, readMigrations } from '../../../shared/db/migrate.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { databaseLanes } from '../../support/databases.ts';

/**
 * What `supabase db push` sends to production must not hold the simulated market or the demo:
 * they insert leads and decide real leads' statuses. They live in supabase/local/.
 */
const localObject = /\blfi_(sim|demo)_?\w*/gi;

/** The writes to the platform's `leads` rows in a script; LFI may only set its own segment_id. */
function leadWrites(sql: string): string[] {
  const code = sql.replace(/--[^\n]*/g, '');
  const writes = [
    ...code.matchAll(
      /\b(insert\s+into|delete\s+from|truncate(\s+table)?|merge\s+into|copy)\s+(only\s+)?(public\.)?leads\b/gi,
    ),
  ].map((match) => match[0]);
  const updates = code.matchAll(
    /\bupdate\s+(only\s+)?(public\.)?leads\b(\s+(as\s+)?\w+)?\s+set\s+([\s\S]*?)(\bfrom\b|\bwhere\b|\breturning\b|;|$)/gi,
  );
  for (const update of updates) {
    const columns = [...(update[5] ?? '').matchAll(/(?:^|,)\s*(?:\w+\.)?(\w+)\s*=/g)].map((m) => m[1]);
    if (columns.some((column) => column?.toLowerCase() !== 'segment_id'))
      writes.push(`update leads set ${columns.join(', ')}`);
  }
  return writes;
}

/** Objects of the local-only migrations (tables, types, functions) and functions that write leads. */
async function localOnlyTraces(db: SqlSession) {
  const objects = await db.query<{ name: string }>(
    `select relname::text as name from pg_class
      where relnamespace = 'public'::regnamespace and relname ~ '^lfi_(sim|demo)'
     union all
     select proname::text from pg_proc
      where pronamespace = 'public'::regnamespace and proname ~ '^lfi_(sim|demo)'
     order by 1`,
  );
  const functions = await db.query<{ name: string; definition: string }>(
    `select p.proname::text as name, pg_get_functiondef(p.oid) as definition
       from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prokind in ('f', 'p')`,
  );
  return {
    objects: objects.map((row) => row.name),
    writingLeads: functions
      .filter((fn) => leadWrites(fn.definition).length > 0)
      .map((fn) => fn.name)
      .sort(),
  };
}

describe('the production migrations (supabase/migrations/)', () => {
  it('create no simulated-market or demo object and write no lead', async () => {
    const migrations = await readMigrations();

    const offending = migrations.flatMap((migration) => {
      const code = migration.sql.replace(/--[^\n]*/g, '');
      return [...(code.match(localObject) ?? []), ...leadWrites(migration.sql)].map(
        (found) => `${migration.file}: ${found}`,
      );
    });

    expect(migrations.length).toBeGreaterThan(0);
    expect(offending).toEqual([]);
  });

  it('the check catches the local-only migrations, which do both', async () => {
    const local = await readMigrations([localMigrationsDir]);
    const sql = local.map((migration) => migration.sql).join('\n');

    expect(sql.match(localObject)).toEqual(expect.arrayContaining(['lfi_sim_campaigns', 'lfi_demo_load']));
    expect(leadWrites(sql)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^insert into public\.leads$/i),
        expect.stringMatching(/^update leads set status, price_at_purchase, updated_at$/),
      ]),
    );
  });
});

describe.each(databaseLanes)('a database migrated without the local-only migrations on $name', (lane) => {
  it('has no simulated-market or demo object and no function that writes leads', async () => {
    const db = await lane.open({ migrated: false });
    try {
      await migrate(db);

      expect(await localOnlyTraces(db)).toEqual({ objects: [], writingLeads: [] });

      await migrate(db, { local: true });
      const withLocal = await localOnlyTraces(db);
      expect(withLocal.objects).toEqual(expect.arrayContaining(['lfi_sim_campaigns', 'lfi_demo_load']));
      // The market inserts and settles leads; lfi demo --reset deletes a demo-only database's.
      expect(withLocal.writingLeads).toEqual(['lfi_demo_reset', 'lfi_sim_record_day']);
    } finally {
      await db.close();
    }
  });

  it('refuses the demo and the simulated market with one sentence saying what to do', async () => {
    const db = await lane.open({ migrated: false });
    try {
      await migrate(db);
      const market = createSimulatedMarket(db, { seed: 1 });

      const demo = await loadDemo(db, market, { days: 3, seed: 1, today: '2026-11-25' }).catch((e) => e);
      const report = await market.dailyMetrics([], '2026-11-24', '2026-11-24').catch((e) => e);

      for (const failure of [demo, report]) {
        expect(failure).toBeInstanceOf(LocalMigrationsMissingError);
        expect((failure as Error).message).toMatch(
          /is not installed in this database: run `lfi migrate --local`/,
        );
        expect((failure as Error).message.split('. ')).toHaveLength(1);
      }
      expect((demo as Error).message).toMatch(/^The demo data set /);
      expect((report as Error).message).toMatch(/^The simulated ads market \(LFI_ADS_CHANNEL=simulated\) /);
    } finally {
      await db.close();
    }
  });
});
