import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';

const log = sqlFunction(
  'lfi_log',
  { p_level: 'text', p_source: 'text', p_message: 'text', p_context: 'jsonb' },
  z.null(),
);

/** One entry of the platform's system log (`lfi_system_log`). */
export async function writeSystemLog(
  db: Database,
  entry: {
    readonly level: 'debug' | 'info' | 'warn' | 'error';
    readonly source: string;
    readonly message: string;
    readonly context?: Record<string, unknown>;
  },
): Promise<void> {
  await log.call(db, {
    p_level: entry.level,
    p_source: entry.source,
    p_message: entry.message,
    p_context: entry.context,
  });
}
