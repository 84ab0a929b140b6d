import { describe, expect, it } from 'vitest';
import { poisson, randomFor, uuidFrom } from '../../../shared/ads/simulated-random.ts';

const draws = (key: readonly (string | number)[], n = 5) => {
  const random = randomFor(...key);
  return Array.from({ length: n }, () => random.next());
};

describe('seeded random streams', () => {
  it('gives the same stream for the same key and a different one for another key', () => {
    expect(draws([42, 'campaign', '1', '2026-03-01'])).toEqual(draws([42, 'campaign', '1', '2026-03-01']));
    expect(draws([42, 'campaign', '1', '2026-03-01'])).not.toEqual(
      draws([43, 'campaign', '1', '2026-03-01']),
    );
    expect(draws([42, 'campaign', '1', '2026-03-01'])).not.toEqual(
      draws([42, 'campaign', '1', '2026-03-02']),
    );
  });

  it('draws uniformly in [0, 1)', () => {
    const values = draws(['uniform'], 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });

  it('draws Poisson counts around their mean, small and large', () => {
    for (const mean of [0.5, 4, 80]) {
      const random = randomFor('poisson', mean);
      const counts = Array.from({ length: 4000 }, () => poisson(random, mean));
      const average = counts.reduce((sum, c) => sum + c, 0) / counts.length;
      expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
      expect(Math.abs(average - mean)).toBeLessThan(Math.max(0.1, mean * 0.03));
    }
    expect(poisson(randomFor('zero'), 0)).toBe(0);
  });

  it('makes version-4 shaped UUIDs that differ per draw', () => {
    const random = randomFor('ids');
    const ids = Array.from({ length: 1000 }, () => uuidFrom(random));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
