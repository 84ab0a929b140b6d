/**
 * The ads channel port: the daily report per campaign, current budgets, and
 * batched budget changes with a result per change. Amounts are integer micros of the account's
 * currency (EUR), as Google Ads sends them. Dates are YYYY-MM-DD.
 */
export type AdsChannelName = 'simulated' | 'google_ads';

export interface CampaignRef {
  /** The ads account, 10 digits without dashes. */
  readonly customerId: string;
  readonly campaignId: string;
  /**
   * The segment the campaign is mapped to, when known: a budget shared only by campaigns of one
   * segment is that segment's to change.
   */
  readonly segmentId?: string;
}

export interface CampaignDailyMetrics extends CampaignRef {
  readonly date: string;
  readonly costMicros: number;
  readonly clicks: number;
  readonly conversions: number;
  /** The daily budget in force that day, where the channel reports it. */
  readonly budgetMicros?: number;
  /** Share of impressions lost to a too-small budget (0..1), where the channel reports it. */
  readonly searchBudgetLostImpressionShare?: number;
}

export interface CampaignBudget extends CampaignRef {
  readonly budgetId: string;
  readonly amountMicros: number;
  /** A budget used by campaigns outside this segment too; never changed for one segment. */
  readonly shared: boolean;
  /** The ads account's currency (ISO 4217), where the channel reports it; LFI budgets are in EUR. */
  readonly currencyCode?: string;
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
