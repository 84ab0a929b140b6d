import { describe, expect, it } from 'vitest';
import { migrate } from '../../../shared/db/migrate.ts';
import { databaseLanes } from '../../support/databases.ts';

describe.each(databaseLanes)('migrations on $name', (lane) => {
  it('applies every migration on an empty database, and a second run is a no-op', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const first = await migrate(db);
      expect(first.applied.length).toBeGreaterThan(0);
      const second = await migrate(db);
      expect(second.applied).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
