import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';

const status = sqlFunction(
  'lfi_night_status',
  { p_date: 'date' },
  z.object({
    succeeded: z.boolean(),
    steps: z.array(z.object({ step: z.string(), status: z.string() })),
  }),
);

/** Whether the night of `date` succeeded (its Orchestrate run), and how far each step got. */
export function nightStatus(db: Database, date: string) {
  return status.call(db, { p_date: date });
}
