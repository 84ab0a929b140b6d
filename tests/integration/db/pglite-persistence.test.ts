import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../shared/db/migrate.ts';
import { openPglite } from '../../../shared/db/pglite.adapter.ts';

describe('the embedded database in a data folder', () => {
  let dataDir: string | undefined;

  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps migrations and data when it is closed and opened again', async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'lfi-data-')), 'nested', '.lfi');
    const first = await openPglite(dataDir);
    await migrate(first);
    await first.query(
      `insert into public.lead_segments (code, branch, region, name)
       values ('schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht')`,
    );
    await first.close();

    const second = await openPglite(dataDir);
    try {
      expect((await migrate(second)).applied).toEqual([]);
      expect(await second.query('select code from public.lead_segments')).toEqual([
        { code: 'schilder-utrecht' },
      ]);
    } finally {
      await second.close();
    }
  });
});
