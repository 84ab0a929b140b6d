import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLambda } from '../../../bench/google-ads-package.bench.ts';

const work = await mkdtemp(join(tmpdir(), 'lfi-bundle-test-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const bundledPackages = async (entry: string) => {
  const { metafile } = await bundleLambda(entry, join(work, entry.replaceAll('/', '_')));
  return Object.keys(metafile.inputs);
};

describe('which Lambda bundles carry google-ads-api', () => {
  it.each([
    'lambdas/plan/handler.ts',
    'lambdas/record-failure/handler.ts',
    'lambdas/api/reads.ts',
    'lambdas/dashboard/handler.ts',
  ])(
    'leaves google-ads-api out of %s, which never talks to Google Ads',
    async (entry) => {
      const inputs = await bundledPackages(entry);
      expect(inputs).toContain(entry);
      expect(inputs.some((file) => file.includes('node_modules/google-ads-api/'))).toBe(false);
      expect(inputs.some((file) => file.includes('node_modules/google-ads-node/'))).toBe(false);
    },
    120_000,
  );

  // The API's writes restore a night, which sends budgets to Google Ads.
  it.each(['lambdas/orchestrate/handler.ts', 'lambdas/api/writes.ts'])(
    'bundles it into %s with only the two Google Ads services LFI uses',
    async (entry) => {
      const inputs = await bundledPackages(entry);
      expect(inputs.some((file) => file.includes('node_modules/google-ads-api/'))).toBe(true);
      const services = inputs.filter((file) =>
        /google-ads-node\/build\/src\/v\d+\/.*_service_client\.js$/.test(file),
      );
      expect(services.map((file) => file.split('/').at(-1)).sort()).toEqual([
        'campaign_budget_service_client.js',
        'google_ads_service_client.js',
      ]);
    },
    120_000,
  );
});
