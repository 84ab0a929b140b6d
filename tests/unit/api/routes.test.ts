import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../../shared/api/openapi.ts';
import { rangeOf } from '../../../shared/api/operations.ts';
import { matchRoute, routeList } from '../../../shared/api/routes.ts';

describe('the route table', () => {
  it('matches a path with parameters to its route', () => {
    const match = matchRoute('GET', '/api/lead-segments/abc/stats');
    expect(match.kind === 'route' && match.route.operationId).toBe('segmentStats');
    expect(match.kind === 'route' && match.pathParameters).toEqual({ id: 'abc' });
  });

  it('reports the allowed methods for a known path with another method', () => {
    expect(matchRoute('PATCH', '/api/lead-segments')).toEqual({
      kind: 'wrong-method',
      path: '/api/lead-segments',
      allow: ['GET', 'POST'],
    });
  });

  it('matches nothing for an unknown path', () => {
    expect(matchRoute('GET', '/api/lead-segments/a/b/c').kind).toBe('none');
  });

  it('has each method and path once', () => {
    const keys = routeList.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is fully described by the OpenAPI document, each route with its responses and security', () => {
    const document = buildOpenApi(routeList) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    for (const route of routeList) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(operation?.responses as object)).toContain(String(route.status));
      expect(operation?.security).toEqual(route.auth === 'public' ? [] : [{ bearerAuth: [] }]);
    }
  });
});

describe('date ranges', () => {
  const now = new Date('2026-03-29T22:30:00Z'); // already 30 March in Amsterdam (after the DST switch)

  it('defaults to the 30 days ending yesterday in the business time zone', () => {
    expect(rangeOf({}, now, 'Europe/Amsterdam')).toEqual({ from: '2026-02-28', to: '2026-03-29' });
  });

  it('accepts a range of exactly 366 days and rejects 367', () => {
    expect(rangeOf({ from: '2025-03-29', to: '2026-03-29' }, now, 'Europe/Amsterdam').from).toBe(
      '2025-03-29',
    );
    expect(() => rangeOf({ from: '2025-03-28', to: '2026-03-29' }, now, 'Europe/Amsterdam')).toThrow(
      /366 days/,
    );
  });

  it('rejects from after to', () => {
    expect(() => rangeOf({ from: '2026-03-02', to: '2026-03-01' }, now, 'Europe/Amsterdam')).toThrow(
      /not be after/,
    );
  });
});
