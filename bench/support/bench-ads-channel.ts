import type {
  AdsChannel,
  BudgetChange,
  CampaignDailyMetrics,
  CampaignRef,
} from '../../shared/ads/ads-channel.port.ts';

/**
 * The ads channel at its boundary for the benchmark: the seeded report, a €100 budget per
 * campaign, and changes accepted in memory. Google's servers are not what is being measured.
 */
export function benchAdsChannel(report: readonly CampaignDailyMetrics[]): AdsChannel & {
  readonly applied: BudgetChange[];
} {
  const applied: BudgetChange[] = [];
  return {
    name: 'google_ads',
    applied,
    async dailyMetrics() {
      return [...report];
    },
    async currentBudgets(campaigns: readonly CampaignRef[]) {
      return campaigns.map((c) => ({
        ...c,
        budgetId: `b${c.campaignId}`,
        amountMicros: 100_000_000,
        shared: false,
      }));
    },
    async applyBudgetChanges(_customerId, changes) {
      applied.push(...changes);
      return changes.map((change) => ({ change, ok: true as const }));
    },
  };
}
