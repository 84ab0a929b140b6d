/**
 * The ads channel port (DESIGN.md §6): the daily report per campaign, current budgets, and
 * batched budget changes with a result per change. Amounts are integer micros of the account's
 * currency (EUR), as Google Ads sends them. Dates are YYYY-MM-DD.
 */
export type AdsChannelName = 'simulated' | 'google_ads';

export interface CampaignRef {
  /** The ads account, 10 digits without dashes. */
  readonly customerId: string;
  readonly campaignId: string;
}

export interface CampaignDailyMetrics extends CampaignRef {
  readonly date: string;
  readonly costMicros: number;
  readonly clicks: number;
  readonly conversions: number;
}

export interface CampaignBudget extends CampaignRef {
  readonly budgetId: string;
  readonly amountMicros: number;
  /** A budget used by other campaigns too; never changed for one segment. */
  readonly shared: boolean;
}

export interface BudgetChange extends CampaignRef {
  readonly segmentId: string;
  readonly budgetId: string;
  readonly newAmountMicros: number;
}

export type BudgetChangeResult =
  | { readonly change: BudgetChange; readonly ok: true }
  | { readonly change: BudgetChange; readonly ok: false; readonly error: string };

export interface AdsChannel {
  readonly name: AdsChannelName;
  /** One report for all campaigns over [from, to], inclusive. */
  dailyMetrics(campaigns: readonly CampaignRef[], from: string, to: string): Promise<CampaignDailyMetrics[]>;
  currentBudgets(campaigns: readonly CampaignRef[]): Promise<CampaignBudget[]>;
  /**
   * Applies all changes for one account in one batched request. One failing change does not
   * stop the others; each gets its own result. `validateOnly` checks without changing anything.
   */
  applyBudgetChanges(
    customerId: string,
    changes: readonly BudgetChange[],
    options: { readonly validateOnly: boolean },
  ): Promise<BudgetChangeResult[]>;
}
