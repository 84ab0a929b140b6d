import { describe, expect, it } from 'vitest';
import { REGION_PROFILES } from '../../../shared/ads/simulated-economics.ts';
import { buildDemoData, DEMO_ACCOUNTS, DEMO_BRANCHES } from '../../../shared/demo/demo-data.ts';

describe('the demo data set', () => {
  const data = buildDemoData(42);

  it('is the same for the same seed and differs for another seed', () => {
    expect(buildDemoData(42)).toEqual(data);
    expect(buildDemoData(43).partners).not.toEqual(data.partners);
  });

  it('has the five branches as capitalised industries and a segment for each branch and province', () => {
    expect(data.industries).toEqual(['Schilder', 'Dakdekker', 'Loodgieter', 'Warmtepomp', 'Zonnepanelen']);
    expect(data.segments).toHaveLength(DEMO_BRANCHES.length * 12);
    const painterNoordHolland = data.segments.find((s) => s.code === 'schilder-noord-holland');
    expect(painterNoordHolland).toMatchObject({
      branch: 'schilder',
      region: 'noord-holland',
      name: 'Schilder · Noord-Holland',
    });
    expect(new Set(data.segments.map((s) => s.id)).size).toBe(data.segments.length);
  });

  it('leaves a few segments inactive and gives a few their own target utilization', () => {
    const inactive = data.segments.filter((s) => !s.isActive);
    expect(inactive.length).toBeGreaterThanOrEqual(1);
    expect(inactive.length).toBeLessThanOrEqual(5);
    expect(data.segments.filter((s) => s.targetUtilization !== 0.8).length).toBeGreaterThanOrEqual(2);
    expect(data.segments.every((s) => s.targetUtilization > 0 && s.targetUtilization <= 1)).toBe(true);
  });

  it('has about 150 partners of 2 to 15 leads a day, serving 1-3 branches in 1-4 provinces, most in the Randstad', () => {
    expect(data.partners).toHaveLength(150);
    for (const partner of data.partners) {
      expect(partner.dailyLeadCapacity).toBeGreaterThanOrEqual(2);
      expect(partner.dailyLeadCapacity).toBeLessThanOrEqual(15);
      expect(partner.branches.length).toBeGreaterThanOrEqual(1);
      expect(partner.branches.length).toBeLessThanOrEqual(3);
      expect(partner.regions.length).toBeGreaterThanOrEqual(1);
      expect(partner.regions.length).toBeLessThanOrEqual(4);
      expect(new Set(partner.regions).size).toBe(partner.regions.length);
    }
    const randstad = new Set(REGION_PROFILES.filter((r) => r.randstad).map((r) => r.code));
    const servingRandstad = data.partners.filter((p) => p.regions.some((r) => randstad.has(r))).length;
    // Three of twelve provinces, yet more than a third of all partners serve one of them.
    expect(servingRandstad).toBeGreaterThan(data.partners.length / 3);
  });

  it('maps one campaign to each active segment, in two accounts, with whole-euro budgets and one at zero', () => {
    const active = data.segments.filter((s) => s.isActive);
    expect(data.campaigns.map((c) => c.segmentId).sort()).toEqual(active.map((s) => s.id).sort());
    expect(new Set(data.campaigns.map((c) => c.customerId))).toEqual(
      new Set([DEMO_ACCOUNTS.klussen, DEMO_ACCOUNTS.energie]),
    );
    for (const campaign of data.campaigns) {
      expect(campaign.customerId).toMatch(/^\d{10}$/);
      expect(campaign.campaignId).toMatch(/^\d+$/);
      expect(campaign.initialBudgetMicros % 1_000_000).toBe(0);
      expect(campaign.initialBudgetMicros).toBeLessThanOrEqual(1_000_000_000);
    }
    expect(new Set(data.campaigns.map((c) => `${c.customerId}/${c.campaignId}`)).size).toBe(
      data.campaigns.length,
    );
    expect(data.campaigns.filter((c) => c.initialBudgetMicros === 0)).toHaveLength(1);
  });
});
