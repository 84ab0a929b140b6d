import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase, SqlSession } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';

interface Lead {
  industry_id?: string | null;
  province?: string | null;
  postcode?: string | null;
}

describe.each(databaseLanes)('segment assignment on $name', (lane) => {
  let db: SqlDatabase;
  let industry: Record<'schilder' | 'dakdekker' | 'behanger', string>;
  let segment: Record<string, string>;

  beforeEach(async () => {
    db = await lane.open();
    // Industry names as the platform writes them; the branch is their lower-case, trimmed form.
    const industries = await db.query<{ id: string; name: string }>(
      `insert into public.industries (name) values (' Schilder '), ('Dakdekker'), ('Behanger') returning id, name`,
    );
    const idOf = (name: string) => industries.find((row) => row.name.trim() === name)?.id ?? '';
    industry = { schilder: idOf('Schilder'), dakdekker: idOf('Dakdekker'), behanger: idOf('Behanger') };
    const segments = await db.query<{ id: string; code: string }>(
      `insert into public.lead_segments (code, branch, region, name)
       select b || '-' || r, b, r, b || ' ' || r
       from unnest(array['schilder', 'dakdekker']) as b
       cross join unnest(array['noord-holland', 'utrecht', 'friesland', 'flevoland']) as r
       returning id, code`,
    );
    segment = Object.fromEntries(segments.map((row) => [row.code, row.id]));
  });

  afterEach(async () => {
    await db.close();
  });

  async function insertLead(lead: Lead, session: SqlSession = db): Promise<string> {
    const [row] = await session.query<{ id: string }>(
      'insert into public.leads (industry_id, province, postcode) values ($1, $2, $3) returning id',
      [lead.industry_id ?? null, lead.province ?? null, lead.postcode ?? null],
    );
    if (!row) throw new Error('insert returned no row');
    return row.id;
  }

  async function segmentOf(leadId: string): Promise<string | null> {
    const [row] = await db.query<{ segment_id: string | null }>(
      'select segment_id from public.leads where id = $1',
      [leadId],
    );
    if (!row) throw new Error(`lead ${leadId} not found`);
    return row.segment_id;
  }

  it('assigns the active segment of the industry and the province, however the province is written', async () => {
    for (const province of ['Noord-Holland', 'noord holland', 'NOORD-HOLLAND', 'NH']) {
      const lead = await insertLead({ industry_id: industry.schilder, province });
      expect(await segmentOf(lead), province).toBe(segment['schilder-noord-holland']);
    }
    for (const province of [' Fryslân ', 'Friesland']) {
      const lead = await insertLead({ industry_id: industry.dakdekker, province });
      expect(await segmentOf(lead), province).toBe(segment['dakdekker-friesland']);
    }
  });

  it('derives the region from the postcode when the province is missing or unknown', async () => {
    for (const postcode of ['1012 AB', '1012ab', ' 1012AB ', '1012']) {
      const lead = await insertLead({ industry_id: industry.schilder, postcode });
      expect(await segmentOf(lead), postcode).toBe(segment['schilder-noord-holland']);
    }
    const lelystad = await insertLead({
      industry_id: industry.schilder,
      province: 'Atlantis',
      postcode: '8232 AB',
    });
    expect(await segmentOf(lelystad)).toBe(segment['schilder-flevoland']);
  });

  it('takes the province over the postcode when both are given', async () => {
    const lead = await insertLead({
      industry_id: industry.schilder,
      province: 'Utrecht',
      postcode: '1012 AB',
    });
    expect(await segmentOf(lead)).toBe(segment['schilder-utrecht']);
  });

  it('leaves a lead unsegmented, without failing the insert, when its region cannot be known', async () => {
    for (const postcode of ['ABCD', '12', null]) {
      const lead = await insertLead({ industry_id: industry.schilder, province: null, postcode });
      expect(await segmentOf(lead), String(postcode)).toBeNull();
    }
    // A real region without a segment (Zeeland) is unsegmented too.
    const zeeland = await insertLead({ industry_id: industry.schilder, province: 'Zeeland' });
    expect(await segmentOf(zeeland)).toBeNull();
  });

  it('leaves a lead unsegmented when its industry is missing or has no segments', async () => {
    const noIndustry = await insertLead({ industry_id: null, province: 'Utrecht' });
    const noSegments = await insertLead({ industry_id: industry.behanger, province: 'Utrecht' });
    expect(await segmentOf(noIndustry)).toBeNull();
    expect(await segmentOf(noSegments)).toBeNull();
  });

  it('does not assign an inactive segment', async () => {
    await db.query('update public.lead_segments set is_active = false where id = $1', [
      segment['schilder-utrecht'],
    ]);
    const lead = await insertLead({ industry_id: industry.schilder, province: 'Utrecht' });
    expect(await segmentOf(lead)).toBeNull();
  });

  it('re-assigns the segment when the province, postcode or industry changes later', async () => {
    const lead = await insertLead({ industry_id: industry.schilder, province: 'Utrecht' });
    expect(await segmentOf(lead)).toBe(segment['schilder-utrecht']);

    await db.query(`update public.leads set province = 'Flevoland' where id = $1`, [lead]);
    expect(await segmentOf(lead)).toBe(segment['schilder-flevoland']);

    await db.query(`update public.leads set province = null, postcode = '1012 AB' where id = $1`, [lead]);
    expect(await segmentOf(lead)).toBe(segment['schilder-noord-holland']);

    await db.query('update public.leads set industry_id = $2 where id = $1', [lead, industry.dakdekker]);
    expect(await segmentOf(lead)).toBe(segment['dakdekker-noord-holland']);

    await db.query(`update public.leads set postcode = 'ABCD' where id = $1`, [lead]);
    expect(await segmentOf(lead)).toBeNull();
  });

  it('leaves segment_id alone when other columns such as the status change', async () => {
    const lead = await insertLead({ industry_id: industry.schilder, province: 'Utrecht' });
    // Deactivating the segment would unassign the lead if the lookup ran again.
    await db.query('update public.lead_segments set is_active = false where id = $1', [
      segment['schilder-utrecht'],
    ]);

    await db.query(`update public.leads set status = 'accepted', price_at_purchase = 12.50 where id = $1`, [
      lead,
    ]);

    expect(await segmentOf(lead)).toBe(segment['schilder-utrecht']);
  });

  it('follows an industry that is renamed into a branch', async () => {
    await db.query(`update public.industries set name = 'SCHILDER' where id = $1`, [industry.behanger]);
    const lead = await insertLead({ industry_id: industry.behanger, province: 'Utrecht' });
    expect(await segmentOf(lead)).toBe(segment['schilder-utrecht']);
  });

  it('assigns the segment when an API role inserts the lead, without granting it the lookup', async () => {
    await db.exec(`grant select, insert on public.leads to authenticated;
      create policy leads_test_insert on public.leads for all to authenticated using (true) with check (true);`);
    const lead = await db.transaction(async (tx) => {
      await tx.exec('set local role authenticated');
      return insertLead({ industry_id: industry.schilder, postcode: '3511 AA' }, tx);
    });
    expect(await segmentOf(lead)).toBe(segment['schilder-utrecht']);
  });

  it('does not rewrite existing leads when a segment is created; the backfill assigns them', async () => {
    const zeeland = await insertLead({ industry_id: industry.schilder, province: 'Zeeland' });
    const [created] = await db.query<{ id: string }>(
      `insert into public.lead_segments (code, branch, region, name)
       values ('schilder-zeeland', 'schilder', 'zeeland', 'Schilder Zeeland') returning id`,
    );
    expect(await segmentOf(zeeland)).toBeNull();

    const counts = await db.rpc('lfi_backfill_lead_segments');

    expect(counts).toEqual({ assigned: 1, unsegmented: 0, changed: 1 });
    expect(await segmentOf(zeeland)).toBe(created?.id);
  });

  it('backfills leads loaded with the trigger disabled and unassigns deactivated segments, in one idempotent call', async () => {
    const assignedBefore = await insertLead({ industry_id: industry.dakdekker, province: 'Friesland' });
    await db.exec('alter table public.leads disable trigger leads_assign_segment');
    await db.exec(`insert into public.leads (industry_id, province, postcode)
      select i.id, p, pc
      from (values
        ('Schilder', 'Utrecht', null),
        ('Schilder', null, '1315 AB'),
        ('Dakdekker', 'NH', null),
        ('Behanger', 'Utrecht', null),
        ('Schilder', null, 'ABCD')
      ) as v (industry, p, pc)
      join public.industries i on btrim(i.name) = v.industry`);
    await db.exec('alter table public.leads enable trigger leads_assign_segment');
    await db.query('update public.lead_segments set is_active = false where id = $1', [
      segment['dakdekker-friesland'],
    ]);
    expect(await segmentOf(assignedBefore)).toBe(segment['dakdekker-friesland']);

    const first = await db.rpc('lfi_backfill_lead_segments');
    const second = await db.rpc('lfi_backfill_lead_segments');

    expect(first).toEqual({ assigned: 3, unsegmented: 3, changed: 4 });
    expect(second).toEqual({ assigned: 3, unsegmented: 3, changed: 0 });
    expect(await segmentOf(assignedBefore)).toBeNull();
    const assigned = await db.query<{ segment_id: string }>(
      'select segment_id from public.leads where segment_id is not null order by segment_id',
    );
    expect(assigned.map((row) => row.segment_id).sort()).toEqual(
      [segment['schilder-utrecht'], segment['schilder-flevoland'], segment['dakdekker-noord-holland']].sort(),
    );
  });

  it('keeps the assignment functions away from the API roles', async () => {
    const rows = await db.query<{ fn: string; role: string; allowed: boolean }>(
      `select p.oid::regprocedure::text as fn, r.role, has_function_privilege(r.role, p.oid, 'execute') as allowed
       from pg_proc p
       cross join unnest(array['anon', 'authenticated']) as r (role)
       where p.pronamespace in ('public'::regnamespace, 'lfi_private'::regnamespace)
         and p.proname in ('lfi_region_for_province', 'lfi_region_for_postcode', 'lfi_region_for_pc4',
                           'lfi_assign_lead_segment', 'lfi_backfill_lead_segments',
                           'lfi_refresh_segment_lookup', 'lfi_segment_lookup_changed')`,
    );
    expect(rows).toHaveLength(14);
    expect(rows.filter((row) => row.allowed)).toEqual([]);
  });
});
