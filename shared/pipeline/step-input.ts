import { z } from 'zod';
import { isoDateSchema, yesterday } from '../domain/business-day.ts';
import { runDateProblem } from '../domain/run-dates.ts';
import { InputError } from '../runtime/errors.ts';

/**
 * What each Lambda of the nightly state machine receives: the state machine's input
 * (`{ date?, dryRun?, windowDays? }`) plus what earlier steps added, which is passed on. The state
 * machine's first state adds `execution: { id }` (the execution's id), which holds the date's lease.
 */
export const stepInputSchema = z.looseObject({
  date: isoDateSchema.optional(),
  dryRun: z.boolean().optional(),
  windowDays: z.number().int().min(1).max(92).optional(),
  execution: z.object({ id: z.string().min(1).max(2048) }).optional(),
  /** Who started the run (recorded on each step's run); absent: the nightly schedule. */
  startedBy: z.string().min(1).max(100).optional(),
});

export interface StepInput {
  readonly date: string;
  readonly dryRun: boolean;
  readonly windowDays: number;
  readonly execution?: { readonly id: string };
  readonly startedBy?: string;
  readonly [key: string]: unknown;
}

export const defaultWindowDays = 7;

/**
 * A missing date means yesterday in the business time zone; a date after yesterday or before
 * 2000-01-01 is refused, naming the field.
 */
export function resolveStepInput(event: unknown, now: Date, timeZone: string): StepInput {
  const parsed = stepInputSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'} ${issue.message}`);
    throw new InputError(`Invalid pipeline input: ${fields.join('; ')}.`, parsed.error.issues);
  }
  const { date, dryRun, windowDays, ...rest } = parsed.data;
  const runDate = date ?? yesterday(now, timeZone);
  const problem = runDateProblem(runDate, now, timeZone, 'date');
  if (problem)
    throw new InputError(`Invalid pipeline input: ${problem}`, [{ path: ['date'], message: problem }]);
  return {
    ...rest,
    date: runDate,
    dryRun: dryRun ?? false,
    windowDays: windowDays ?? defaultWindowDays,
  };
}
