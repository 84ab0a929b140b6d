import type { Runtime } from '../runtime/runtime.ts';
import { appendSystemLog } from './system-log.repository.ts';

/**
 * The one way LFI's TypeScript writes the platform's system log (`lfi_system_log`, through
 * `lfi_log`): what an operator may need later, the nightly steps' failures and partial nights,
 * what each night's orchestration did, backfills and restores. (The API's admin writes log in
 * the same SQL transaction as the write itself.) The log is a record, not the work: a database
 * too broken to take the line must not hide the step's own outcome, so a failed write is only
 * reported to the process log.
 */
export type SystemLogSource =
  | 'pipeline'
  | 'pipeline.aggregate'
  | 'pipeline.plan'
  | 'pipeline.orchestrate'
  | 'orchestrate'
  | 'backfill'
  | 'restore';

export interface SystemLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly source: SystemLogSource;
  readonly message: string;
  readonly context: Record<string, unknown>;
}

/** The log's message column takes a line, not a dump. */
export const systemLogLine = (entry: SystemLogEntry): SystemLogEntry => ({
  ...entry,
  message: entry.message.slice(0, 2000),
});

export async function writeSystemLog(runtime: Runtime, entry: SystemLogEntry): Promise<void> {
  const line = systemLogLine(entry);
  try {
    await appendSystemLog.call(runtime.db, {
      p_level: line.level,
      p_source: line.source,
      p_message: line.message,
      p_context: line.context,
    });
  } catch (error) {
    runtime.logger.error('system log entry not written', { entry, error });
  }
}

/** What one night's Orchestrate did, in a line: e.g. "orchestrate 2026-11-24: 5 increased, 3 decreased, 2 skipped, 0 failed". */
export function orchestrationSummary(date: string, dryRun: boolean, counts: Record<string, unknown>): string {
  const n = (key: string) => (typeof counts[key] === 'number' ? counts[key] : 0);
  const notSent = n('not_sent') ? `, ${n('not_sent')} not sent (past date)` : '';
  return (
    `orchestrate ${date}${dryRun ? ' (dry run)' : ''}: ${n('increased')} increased, ${n('decreased')} decreased, ` +
    `${n('skipped')} skipped, ${n('failed')} failed${notSent}, ${n('already_decided')} already decided`
  );
}

/** A backfill, once it is over: which dates, and how many failed. */
export function logBackfill(
  runtime: Runtime,
  run: { readonly from: string; readonly to: string; readonly days: number; readonly failed: number },
): Promise<void> {
  return writeSystemLog(runtime, {
    level: run.failed ? 'warn' : 'info',
    source: 'backfill',
    message: `backfill ${run.from} to ${run.to}: ${run.days - run.failed} of ${run.days} days ran, ${run.failed} failed`,
    context: { ...run },
  });
}
