import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { addDays, daysBetween, yesterday } from '../domain/business-day.ts';
import type { NightlyRunStarter } from '../pipeline/nightly-run.port.ts';
import type { RestoreRequest, RestoreResult } from '../pipeline/restore.ts';
import { startNightlyRun } from '../pipeline/start-nightly-run.ts';
import { appendSystemLog } from '../pipeline/system-log.repository.ts';
import { ConflictError, NotFoundError, ValidationError } from './api.errors.ts';
import { apiFunctions } from './api.repository.ts';
import type { ApiSettings } from './api-settings.ts';
import { openApiDocument } from './openapi.ts';
import type { OperationId, routes } from './routes.ts';
import { defaultPageLimit, defaultRangeDays, firstApiDate, lastApiDate, maxRangeDays } from './schemas.ts';

/**
 * What each route does: check what only makes sense with the clock (date ranges), call one SQL
 * function, and turn a write's outcome into an error where it failed. The handler validates the
 * input before and parses the result against the route's response schema after.
 */
export interface Actor {
  readonly sub: string;
  readonly email: string | null;
  /** Holds a reader role (or the admin role): may use the read routes. */
  readonly canRead: boolean;
  readonly isAdmin: boolean;
}

/**
 * The admin actions beyond one SQL function, given by the composition root: starting the nightly
 * state machine (Step Functions in AWS, in-process on this machine) and restoring a night
 * (`restoreNight` on a runtime with the ads channel; only the writes Lambda carries Google Ads).
 * A handler built without them answers those routes with a 500: wiring.
 */
export interface ApiActions {
  readonly nightly?: NightlyRunStarter;
  readonly restore?: (request: RestoreRequest) => Promise<RestoreResult>;
}

export interface OperationContext {
  readonly db: Database;
  readonly now: Date;
  readonly settings: ApiSettings;
  /** Null only on public routes. */
  readonly actor: Actor | null;
  readonly actions?: ApiActions;
}

type Parsed<R, K extends string> = R extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

export interface OperationInput<Id extends OperationId> {
  readonly params: Parsed<(typeof routes)[Id], 'params'>;
  readonly query: Parsed<(typeof routes)[Id], 'query'>;
  readonly body: Parsed<(typeof routes)[Id], 'body'>;
}

type Operation<Id extends OperationId> = (
  context: OperationContext,
  input: OperationInput<Id>,
) => Promise<unknown>;

export const operations: { readonly [Id in OperationId]: Operation<Id> } = {
  async listSegments({ db, now, settings }, { query }) {
    const page = pageOf(query);
    const result = await apiFunctions.listSegments.call(db, {
      p_as_of: yesterday(now, settings.timeZone),
      p_limit: page.limit,
      p_offset: page.offset,
    });
    const { as_of, items, total } = z
      .object({ as_of: z.string(), items: z.array(z.unknown()), total: z.number() })
      .parse(result);
    return { as_of, items, page: { ...page, total } };
  },

  async getSegment({ db, now, settings }, { params }) {
    return found(
      await apiFunctions.getSegment.call(db, {
        p_segment_id: params.id,
        p_as_of: yesterday(now, settings.timeZone),
      }),
      params.id,
    );
  },

  async segmentStats({ db, now, settings }, { params, query }) {
    const range = rangeOf(query, now, settings.timeZone);
    return found(
      await apiFunctions.segmentStats.call(db, {
        p_segment_id: params.id,
        p_from: range.from,
        p_to: range.to,
      }),
      params.id,
    );
  },

  async segmentPlans({ db, now, settings }, { params, query }) {
    const range = rangeOf(query, now, settings.timeZone);
    return found(
      await apiFunctions.segmentPlans.call(db, {
        p_segment_id: params.id,
        p_from: range.from,
        p_to: range.to,
      }),
      params.id,
    );
  },

  async segmentDecisions({ db, now, settings, actor }, { params, query }) {
    const range = rangeOf(query, now, settings.timeZone);
    const page = pageOf(query);
    const result = found(
      await apiFunctions.segmentDecisions.call(db, {
        p_segment_id: params.id,
        p_from: range.from,
        p_to: range.to,
        p_limit: page.limit,
        p_offset: page.offset,
      }),
      params.id,
    );
    return errorDetailsFor(actor, withPage(result, page));
  },

  async segmentOverrides({ db, now, settings }, { params, query }) {
    const page = pageOf(query);
    const result = found(
      await apiFunctions.segmentOverrides.call(db, {
        p_segment_id: params.id,
        p_today: addDays(yesterday(now, settings.timeZone), 1),
        p_limit: page.limit,
        p_offset: page.offset,
      }),
      params.id,
    );
    return withPage(result, page);
  },

  async orchestrationStatus({ db, actor }) {
    return errorDetailsFor(actor, await apiFunctions.orchestrationStatus.call(db, { p_limit: 20 }));
  },

  async getKillSwitch({ db }) {
    return apiFunctions.killSwitch.call(db, {});
  },

  async listRuns({ db, actor }, { query }) {
    const page = pageOf(query);
    const result = await apiFunctions.runs.call(db, { p_limit: page.limit, p_offset: page.offset });
    return errorDetailsFor(actor, withPage(result, page));
  },

  async listGapEpisodes({ db }, { query }) {
    const page = pageOf(query);
    const result = await apiFunctions.gapEpisodes.call(db, {
      p_status: query.status ?? 'all',
      p_limit: page.limit,
      p_offset: page.offset,
    });
    return withPage(result, page);
  },

  async createSegment({ db, actor }, { body }) {
    const result = outcome(
      await apiFunctions.createSegment.call(db, { p_segment: body, p_actor: actorJson(actor) }),
    );
    if (result.outcome === 'conflict') {
      throw new ConflictError(`A segment for branch "${body.branch}" in ${body.region} exists already.`);
    }
    if (result.outcome === 'unknown_region') {
      throw new ValidationError([{ field: 'body.region', message: 'is not a known region' }]);
    }
    return result.segment;
  },

  async setOverride({ db, now, settings, actor }, { params, body }) {
    const result = outcome(
      await apiFunctions.setOverride.call(db, {
        p_segment_id: params.id,
        p_override: body,
        p_today: addDays(yesterday(now, settings.timeZone), 1),
        p_actor: actorJson(actor),
      }),
    );
    if (result.outcome === 'not_found') throw segmentNotFound(params.id);
    return result.override;
  },

  async clearOverride({ db, now, settings, actor }, { params }) {
    const result = outcome(
      await apiFunctions.clearOverride.call(db, {
        p_segment_id: params.id,
        p_override_id: params.override_id,
        p_today: addDays(yesterday(now, settings.timeZone), 1),
        p_actor: actorJson(actor),
      }),
    );
    if (result.outcome === 'not_found') {
      throw new NotFoundError(`Segment ${params.id} has no target override ${params.override_id}.`);
    }
    return result.override;
  },

  pauseSegment: (context, { params, body }) => setPaused(context, params.id, true, body.reason),
  resumeSegment: (context, { params, body }) => setPaused(context, params.id, false, body.reason),

  async setKillSwitch({ db, actor }, { body }) {
    const result = outcome(
      await apiFunctions.setKillSwitch.call(db, {
        p_enabled: body.enabled,
        p_reason: body.reason ?? null,
        p_actor: actorJson(actor),
      }),
    );
    return result.kill_switch;
  },

  async startRun({ db, now, settings, actor, actions }) {
    if (!actions?.nightly) throw new Error('This API was built without a way to start the nightly run.');
    const who = actorJson(actor);
    const startedBy = `dashboard: ${who.email ?? who.sub}`.slice(0, 100);
    const run = await startNightlyRun(db, actions.nightly, {
      date: yesterday(now, settings.timeZone),
      startedBy,
    });
    await appendSystemLog.call(db, {
      p_level: 'info',
      p_source: 'api',
      p_message: `nightly run for ${run.date} started by ${startedBy}`,
      p_context: { date: run.date, execution_id: run.executionId, actor: who },
    });
    return { date: run.date, execution_id: run.executionId, started_by: run.startedBy };
  },

  async restoreNight({ db, actor, actions }, { body }) {
    if (!actions?.restore) throw new Error('This API was built without a way to restore a night.');
    const who = actorJson(actor);
    // No wait for a run of the date: the API's Lambda has seconds, so a held lease is a 409 at once.
    const result = await actions.restore({ date: body.date, dryRun: body.dry_run ?? false, waitSeconds: 0 });
    await appendSystemLog.call(db, {
      p_level: 'info',
      p_source: 'api',
      p_message: `restore of ${body.date}${result.dryRun ? ' (dry run)' : ''} by ${who.email ?? who.sub}`,
      p_context: { date: body.date, dry_run: result.dryRun, actor: who },
    });
    const tally = (status: string) => result.segments.filter((s) => s.status === status).length;
    return {
      date: result.date,
      dry_run: result.dryRun,
      restored: tally(result.dryRun ? 'dry_run' : 'restored'),
      skipped: tally('skipped'),
      failed: tally('restore_failed'),
      segments: result.segments.map((s) => ({
        segment_id: s.segmentId,
        code: s.code,
        status: s.status,
        explanation: s.explanation,
        error_message: s.error,
      })),
    };
  },

  async openApi() {
    return openApiDocument();
  },
};

async function setPaused(
  { db, actor }: OperationContext,
  segmentId: string,
  paused: boolean,
  reason: string | undefined,
): Promise<unknown> {
  const result = outcome(
    await apiFunctions.setSegmentPaused.call(db, {
      p_segment_id: segmentId,
      p_paused: paused,
      p_reason: reason ?? null,
      p_actor: actorJson(actor),
    }),
  );
  if (result.outcome === 'not_found') throw segmentNotFound(segmentId);
  return result.segment;
}

/** A date range from the query: `to` defaults to yesterday, `from` to 30 days ending `to`. */
export function rangeOf(
  query: { readonly from?: string | undefined; readonly to?: string | undefined },
  now: Date,
  timeZone: string,
): { from: string; to: string } {
  const to = query.to ?? yesterday(now, timeZone);
  if (to < firstApiDate || to > lastApiDate) {
    throw new ValidationError([
      {
        field: 'query.to',
        message: `defaults to yesterday (${to}), outside ${firstApiDate} to ${lastApiDate}`,
      },
    ]);
  }
  const from = query.from ?? addDays(to, -(defaultRangeDays - 1));
  if (from < firstApiDate) {
    throw new ValidationError([
      {
        field: 'query.from',
        message: `defaults to ${defaultRangeDays - 1} days before to (${from}), before ${firstApiDate}: give from`,
      },
    ]);
  }
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw new ValidationError([{ field: 'query.from', message: `must not be after to (${to})` }]);
  if (days > maxRangeDays) {
    throw new ValidationError([
      {
        field: 'query.from',
        message: `must be at most ${maxRangeDays} days before to (the range has ${days})`,
      },
    ]);
  }
  return { from, to };
}

/** What a reader without the admin role sees of a recorded error: that there was one. */
export const withheldError = 'Failed; the recorded error is shown to admins only.';

/**
 * Recorded errors (`error_message` anywhere in a read's result) are what was thrown, which can
 * name SQL functions, SQLSTATEs and the ads API's internals: only admins see them.
 */
function errorDetailsFor(actor: Actor | null, result: unknown): unknown {
  if (actor?.isAdmin) return result;
  const withhold = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withhold);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === 'error_message' && typeof inner === 'string' ? withheldError : withhold(inner),
      ]),
    );
  };
  return withhold(result);
}

function pageOf(query: { readonly limit?: number | undefined; readonly offset?: number | undefined }) {
  return { limit: query.limit ?? defaultPageLimit, offset: query.offset ?? 0 };
}

function withPage(result: unknown, page: { limit: number; offset: number }): unknown {
  const { total, ...rest } = z.looseObject({ total: z.number() }).parse(result);
  return { ...rest, page: { ...page, total } };
}

function found(result: unknown, segmentId: string): unknown {
  if (result === null || result === undefined) throw segmentNotFound(segmentId);
  return result;
}

const segmentNotFound = (id: string) => new NotFoundError(`No segment with id ${id}.`);

const outcomeSchema = z.looseObject({ outcome: z.string() });
function outcome(result: unknown): z.infer<typeof outcomeSchema> {
  return outcomeSchema.parse(result);
}

function actorJson(actor: Actor | null): { sub: string; email: string | null } {
  // Writes are admin routes, so the actor is always there; a missing one is a wiring bug.
  if (!actor) throw new Error('A write reached its operation without an authenticated actor.');
  return { sub: actor.sub, email: actor.email };
}
