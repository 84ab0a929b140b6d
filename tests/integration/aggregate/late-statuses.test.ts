import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { refreshLateStatuses } from '../../../shared/pipeline/aggregate.repository.ts';
import { runAggregateStep } from '../../../shared/pipeline/aggregate.step.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  addSchilderUtrechtPartner,
  insertLeads,
  readStats,
  seedSegments,
  withDatabase,
} from './aggregate-fixtures.ts';

const timeZone = 'Europe/Amsterdam';

const updatedAt = async (db: SqlDatabase, date: string) =>
  (
    await db.query<{ updated_at: string }>(
      `select st.updated_at::text from public.lead_generation_stats st
         join public.lead_segments s on s.id = st.segment_id
        where s.code = 'schilder-utrecht' and st.date = $1`,
      [date],
    )
  )[0]?.updated_at;

describe.each(databaseLanes)('late lead statuses on $name', (lane) => {
  const open = () => lane.open();

  it("counts a verdict that comes after its day left the trailing window, keeping the day's capacity", () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await addSchilderUtrechtPartner(db, 'Verf & Co', 10);
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt: '2026-01-05T09:00:00Z', status: 'accepted', price: '9.00' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-05T10:00:00Z', status: 'accepted', price: '9.00' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-05T11:00:00Z', status: 'new' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-05T12:00:00Z', status: 'pending' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-06T09:00:00Z', status: 'accepted', price: '9.00' },
      ]);
      let now = new Date('2026-01-07T01:00:00Z');
      const runtime = await createRuntime(loadConfig({}), {
        db,
        clock: { now: () => now },
        logger: silentLogger,
      });
      await runAggregateStep(runtime, { date: '2026-01-06', dryRun: false, windowDays: 7 });
      expect((await readStats(db))['schilder-utrecht 2026-01-05']).toMatchObject({
        leads_generated: 4,
        leads_accepted: 2,
        leads_pending: 2,
        revenue: '18.00',
        capacity_total_leads: '10.00',
        capacity_utilization: '0.2000',
      });
      const untouched = await updatedAt(db, '2026-01-06');

      // Two weeks on: the partner doubled its capacity, and the last two verdicts of 5 January came in.
      await db.exec(`update public.partners set daily_lead_capacity = 20`);
      await db.exec(
        `update public.leads set status = 'accepted', price_at_purchase = 12.50 where created_at = '2026-01-05T11:00:00Z'`,
      );
      await db.exec(`update public.leads set status = 'rejected' where created_at = '2026-01-05T12:00:00Z'`);
      now = new Date('2026-01-21T01:00:00Z');
      const counts = await runAggregateStep(runtime, { date: '2026-01-20', dryRun: false, windowDays: 7 });

      const stats = await readStats(db);
      // 5 January lies a week before the window (14–20 January): only its statuses are new.
      expect(stats['schilder-utrecht 2026-01-05']).toMatchObject({
        leads_generated: 4,
        leads_accepted: 3,
        leads_rejected: 1,
        leads_pending: 0,
        revenue: '30.50',
        capacity_total_leads: '10.00',
        capacity_utilization: '0.3000',
      });
      expect(counts).toMatchObject({ aggregate: { late_status_rows: 1 } });
      // A day with nothing pending is not written again.
      expect(await updatedAt(db, '2026-01-06')).toBe(untouched);

      // The next night has nothing left to recount.
      now = new Date('2026-01-22T01:00:00Z');
      expect(
        await runAggregateStep(runtime, { date: '2026-01-21', dryRun: false, windowDays: 7 }),
      ).toMatchObject({
        aggregate: { late_status_rows: 0 },
      });
    }));

  it('refuses an inverted or too long range and an unknown time zone, naming what is wrong', () =>
    withDatabase(open, async (db) => {
      await expect(
        refreshLateStatuses(db, { from: '2026-01-10', to: '2026-01-09', timeZone }),
      ).rejects.toThrow(/p_from <= p_to.*2026-01-10 to 2026-01-09/);
      await expect(
        refreshLateStatuses(db, { from: '2025-01-01', to: '2026-01-09', timeZone }),
      ).rejects.toThrow(/at most 92 days/);
      await expect(
        refreshLateStatuses(db, { from: '2026-01-01', to: '2026-01-09', timeZone: 'Europe/Atlantis' }),
      ).rejects.toThrow(/unknown time zone "Europe\/Atlantis"/);
    }));
});
