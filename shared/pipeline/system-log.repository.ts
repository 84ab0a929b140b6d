import { z } from 'zod';
import { sqlFunction } from '../db/sql-function.ts';

/** `lfi_log`: one line of the platform's system log (`lfi_system_log`). */
export const appendSystemLog = sqlFunction(
  'lfi_log',
  { p_level: 'text', p_source: 'text', p_message: 'text', p_context: 'jsonb' },
  z.null(),
);
