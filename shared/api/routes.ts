import type { z } from 'zod';
import * as s from './schemas.ts';

/**
 * The HTTP API's one route table. CDK turns it into API Gateway routes (infra/http-api.construct.ts)
 * and the local server serves it (local-server.ts), so the two cannot drift. Paths use API
 * Gateway's `{param}` syntax. `handler` names the Lambda (lambdas/api/<handler>.ts) that serves
 * the route; `auth` is what the caller's token must show: nothing, a reader role, or the admin role.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ApiHandlerName = 'reads' | 'writes' | 'docs';
export type AuthLevel = 'public' | 'reader' | 'admin';

export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: ApiHandlerName;
  readonly auth: AuthLevel;
  readonly summary: string;
  readonly status: 200 | 201;
  readonly params?: z.ZodType;
  readonly query: z.ZodType;
  readonly body?: z.ZodType;
  /** An empty body counts as `{}` (actions whose body only carries an optional reason). */
  readonly bodyOptional?: boolean;
  readonly response: z.ZodType;
}

export const routes = {
  listSegments: {
    method: 'GET',
    path: '/api/lead-segments',
    handler: 'reads',
    auth: 'reader',
    summary:
      "Segments with their latest plan and the dashboard's overview (capacity, actuals, last budget change)",
    status: 200,
    query: s.pageQuery,
    response: s.segmentList,
  },
  createSegment: {
    method: 'POST',
    path: '/api/lead-segments',
    handler: 'writes',
    auth: 'admin',
    summary: 'Create a segment (branch × region)',
    status: 201,
    query: s.emptyQuery,
    body: s.createSegmentBody,
    response: s.segment,
  },
  getSegment: {
    method: 'GET',
    path: '/api/lead-segments/{id}',
    handler: 'reads',
    auth: 'reader',
    summary: "One segment with its plan, actuals and budget for the overview's business day",
    status: 200,
    params: s.segmentParams,
    query: s.emptyQuery,
    response: s.segmentOverview,
  },
  segmentStats: {
    method: 'GET',
    path: '/api/lead-segments/{id}/stats',
    handler: 'reads',
    auth: 'reader',
    summary: "A segment's daily lead and ad statistics over a date range",
    status: 200,
    params: s.segmentParams,
    query: s.rangeQuery,
    response: s.segmentStats,
  },
  segmentPlans: {
    method: 'GET',
    path: '/api/lead-segments/{id}/plans',
    handler: 'reads',
    auth: 'reader',
    summary: "A segment's daily plans (target, gap, budget) over a date range",
    status: 200,
    params: s.segmentParams,
    query: s.rangeQuery,
    response: s.segmentPlans,
  },
  segmentDecisions: {
    method: 'GET',
    path: '/api/lead-segments/{id}/decisions',
    handler: 'reads',
    auth: 'reader',
    summary: "A segment's orchestration log (budget decisions with explanations), newest first",
    status: 200,
    params: s.segmentParams,
    query: s.rangePageQuery,
    response: s.segmentDecisions,
  },
  segmentOverrides: {
    method: 'GET',
    path: '/api/lead-segments/{id}/overrides',
    handler: 'reads',
    auth: 'reader',
    summary: "A segment's target overrides, newest first",
    status: 200,
    params: s.segmentParams,
    query: s.pageQuery,
    response: s.segmentOverrides,
  },
  setOverride: {
    method: 'POST',
    path: '/api/lead-segments/{id}/overrides',
    handler: 'writes',
    auth: 'admin',
    summary: 'Set a manual target for a segment over a date range (wins over capacity while active)',
    status: 201,
    params: s.segmentParams,
    query: s.emptyQuery,
    body: s.setOverrideBody,
    response: s.override,
  },
  clearOverride: {
    method: 'DELETE',
    path: '/api/lead-segments/{id}/overrides/{override_id}',
    handler: 'writes',
    auth: 'admin',
    summary: 'Clear a target override (kept for the record; clearing twice changes nothing)',
    status: 200,
    params: s.overrideParams,
    query: s.emptyQuery,
    response: s.override,
  },
  pauseSegment: {
    method: 'POST',
    path: '/api/lead-segments/{id}/pause',
    handler: 'writes',
    auth: 'admin',
    summary: 'Pause orchestration of a segment (its budget is left as it is)',
    status: 200,
    params: s.segmentParams,
    query: s.emptyQuery,
    body: s.reasonBody,
    bodyOptional: true,
    response: s.segment,
  },
  resumeSegment: {
    method: 'POST',
    path: '/api/lead-segments/{id}/resume',
    handler: 'writes',
    auth: 'admin',
    summary: 'Resume orchestration of a segment',
    status: 200,
    params: s.segmentParams,
    query: s.emptyQuery,
    body: s.reasonBody,
    bodyOptional: true,
    response: s.segment,
  },
  orchestrationStatus: {
    method: 'GET',
    path: '/api/orchestration/status',
    handler: 'reads',
    auth: 'reader',
    summary: 'The kill switch, the last run of each step, recent decisions and recent failures',
    status: 200,
    query: s.emptyQuery,
    response: s.orchestrationStatus,
  },
  getKillSwitch: {
    method: 'GET',
    path: '/api/orchestration/kill-switch',
    handler: 'reads',
    auth: 'reader',
    summary: 'The global kill switch alone (what every dashboard page shows)',
    status: 200,
    query: s.emptyQuery,
    response: s.killSwitch,
  },
  listRuns: {
    method: 'GET',
    path: '/api/orchestration/runs',
    handler: 'reads',
    auth: 'reader',
    summary:
      'Every run of every step, newest first: date, status, counts, who started it and what it changed',
    status: 200,
    query: s.pageQuery,
    response: s.runList,
  },
  setKillSwitch: {
    method: 'PUT',
    path: '/api/orchestration/kill-switch',
    handler: 'writes',
    auth: 'admin',
    summary: 'Turn the global kill switch on (no budget changes at all) or off',
    status: 200,
    query: s.emptyQuery,
    body: s.killSwitchBody,
    response: s.killSwitch,
  },
  startRun: {
    method: 'POST',
    path: '/api/orchestration/runs',
    handler: 'writes',
    auth: 'admin',
    summary:
      'Start the nightly run for yesterday now (as the schedule does); refused while a run of that date holds its lease',
    status: 201,
    query: s.emptyQuery,
    response: s.startedRun,
  },
  restoreNight: {
    method: 'POST',
    path: '/api/orchestration/restores',
    handler: 'writes',
    auth: 'admin',
    summary:
      'Put back every budget a night changed to its value before the night (skipping budgets changed since), through the ads channel and guardrails',
    status: 200,
    query: s.emptyQuery,
    body: s.restoreBody,
    response: s.restoreResult,
  },
  listGapEpisodes: {
    method: 'GET',
    path: '/api/alerts/gap-episodes',
    handler: 'reads',
    auth: 'reader',
    summary:
      'Gap alerts: segments whose gap stayed beyond the threshold for N days in a row, open ones first, newest first',
    status: 200,
    query: s.gapEpisodesQuery,
    response: s.gapEpisodeList,
  },
  openApi: {
    method: 'GET',
    path: '/api/openapi.json',
    handler: 'docs',
    auth: 'public',
    summary: 'This API described as OpenAPI 3.1',
    status: 200,
    query: s.emptyQuery,
    response: s.openApiDocument,
  },
} as const satisfies Record<string, RouteDefinition>;

export type OperationId = keyof typeof routes;
export type Route = RouteDefinition & { readonly operationId: OperationId };

export const routeList: readonly Route[] = Object.entries(routes).map(([operationId, route]) => ({
  ...route,
  operationId: operationId as OperationId,
}));

export const apiHandlerNames: readonly ApiHandlerName[] = ['reads', 'writes', 'docs'];
/** The handlers that read or write data; `docs` serves none, so its Lambda gets no database or secret. */
export const dataHandlerNames: readonly ApiHandlerName[] = ['reads', 'writes'];

/** The API Gateway route key of a route, e.g. `GET /api/lead-segments/{id}/stats`. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/** Every distinct path with the methods it allows, for the `ANY <path>` routes that answer 405. */
export const pathMethods: ReadonlyMap<string, readonly HttpMethod[]> = (() => {
  const map = new Map<string, HttpMethod[]>();
  for (const route of routeList) map.set(route.path, [...(map.get(route.path) ?? []), route.method]);
  return map;
})();

/** The handler that answers for a path's wrong methods: the one serving its first route. */
export function handlerForPath(path: string): ApiHandlerName {
  return routeList.find((route) => route.path === path)?.handler ?? 'docs';
}

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly path: string; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'none' };

const compiled = [...pathMethods.keys()].map((path) => {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { path, names, pattern: new RegExp(`^${source}$`) };
});

/** What API Gateway does with a request: the matching route, a known path with another method, or nothing. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  for (const { path, names, pattern } of compiled) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const route = routeList.find((r) => r.path === path && r.method === method);
    if (!route) return { kind: 'wrong-method', path, allow: pathMethods.get(path) ?? [] };
    const pathParameters: Record<string, string> = {};
    names.forEach((name, index) => {
      pathParameters[name] = match[index + 1] ?? '';
    });
    return { kind: 'route', route, pathParameters };
  }
  return { kind: 'none' };
}
