import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import { campaignsSchema, channel } from './orchestration.repository.ts';

const euros = z.union([z.number(), z.string()]);
const nightChangeSchema = z.object({
  segment_id: z.uuid(),
  code: z.string(),
  paused: z.boolean(),
  plan_id: z.uuid().nullable(),
  old_value: euros,
  new_value: euros,
  campaigns: campaignsSchema,
});

const restoreInputs = sqlFunction(
  'lfi_restore_inputs',
  { p_date: 'date', p_channel: 'text' },
  z.array(nightChangeSchema),
);

/** The budgets the night of `date` changed (applied or clamped), with each segment's campaigns. */
export function loadNightChanges(db: Database, date: string) {
  return restoreInputs.call(db, { p_date: date, p_channel: channel });
}
