import type { BudgetChange, CampaignBudget, CampaignRef } from '../ads/ads-channel.port.ts';
import { splitBudget } from '../domain/budget-split.ts';
import type { Micros } from '../domain/money.ts';
import type { Runtime } from '../runtime/runtime.ts';

/** A segment's mapped campaigns, as the repositories give them. */
export interface MappedSegment {
  readonly segmentId: string;
  readonly campaigns: readonly { readonly customer_id: string; readonly campaign_id: string }[];
}

/** What the ads account shows for one segment now. */
export interface SegmentBudgets {
  /** The campaigns found with a budget. */
  readonly campaignBudgets: readonly CampaignBudget[];
  /** Its distinct budgets (campaigns of one segment may share one), counted and changed once each. */
  readonly budgets: readonly CampaignBudget[];
  readonly currentMicros: Micros;
  readonly foreignCurrency: string | undefined;
  readonly usesSharedBudget: boolean;
}

/** The current budgets of every segment's campaigns, in one call to the ads channel. */
export async function segmentBudgets(
  runtime: Runtime,
  segments: readonly MappedSegment[],
): Promise<Map<string, SegmentBudgets>> {
  const refs: CampaignRef[] = segments.flatMap((s) =>
    s.campaigns.map((c) => ({
      customerId: c.customer_id,
      campaignId: c.campaign_id,
      segmentId: s.segmentId,
    })),
  );
  const found = refs.length ? await runtime.ads.currentBudgets(refs) : [];
  const byCampaign = new Map(found.map((b) => [key(b.customerId, b.campaignId), b]));
  return new Map(
    segments.map((segment) => {
      const campaignBudgets = segment.campaigns
        .map((c) => byCampaign.get(key(c.customer_id, c.campaign_id)))
        .filter((b): b is CampaignBudget => b !== undefined);
      const budgets = [...new Map(campaignBudgets.map((b) => [key(b.customerId, b.budgetId), b])).values()];
      return [
        segment.segmentId,
        {
          campaignBudgets,
          budgets,
          currentMicros: budgets.reduce((sum, b) => sum + b.amountMicros, 0),
          foreignCurrency: campaignBudgets.find(
            (b) => b.currencyCode !== undefined && b.currencyCode !== 'EUR',
          )?.currencyCode,
          usesSharedBudget: campaignBudgets.some((b) => b.shared),
        },
      ];
    }),
  );
}

/** One budget of a segment's change: what the ads channel is sent, and the amount it had. */
export interface BudgetPart {
  readonly change: BudgetChange;
  readonly oldAmountMicros: Micros;
}

/** A part once sent: its error, null when it landed. */
export type SentPart = BudgetPart & { readonly error: string | null };

/** A segment's change: its new total split over its distinct budgets in proportion to them. */
export interface SegmentChange {
  readonly segmentId: string;
  readonly parts: readonly BudgetPart[];
}

export function segmentChange(
  segmentId: string,
  budgets: readonly CampaignBudget[],
  newMicros: Micros,
): SegmentChange {
  const amounts = splitBudget(
    budgets.map((b) => b.amountMicros),
    newMicros,
  );
  return {
    segmentId,
    parts: budgets.map((b, i) => ({
      change: {
        customerId: b.customerId,
        campaignId: b.campaignId,
        budgetId: b.budgetId,
        segmentId,
        newAmountMicros: amounts[i] ?? 0,
      },
      oldAmountMicros: b.amountMicros,
    })),
  };
}

/** What became of a change: each part with its error, and all of them in a line (null when every part landed). */
export interface ChangeOutcome<T> {
  readonly change: T;
  readonly parts: readonly SentPart[];
  readonly error: string | null;
}

/**
 * Sends the changes, one batched call per ads account (accounts in parallel). A failing account
 * fails only its own parts; each change comes back, in the order given, with its parts' outcomes.
 */
export async function applySegmentChanges<T extends SegmentChange>(
  runtime: Runtime,
  changes: readonly T[],
  validateOnly: boolean,
): Promise<ChangeOutcome<T>[]> {
  const byAccount = Map.groupBy(
    changes.flatMap(({ parts }) => parts.map((part) => part.change)),
    (part) => part.customerId,
  );
  const outcomes = new Map<BudgetChange, string | null>();
  await Promise.all(
    [...byAccount].map(async ([customerId, accountChanges]) => {
      try {
        const results = await runtime.ads.applyBudgetChanges(customerId, accountChanges, { validateOnly });
        for (const result of results) outcomes.set(result.change, result.ok ? null : result.error);
        for (const change of accountChanges)
          if (!outcomes.has(change)) outcomes.set(change, 'no result from the ads channel');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runtime.logger.error('budget changes failed for an ads account', { customerId, error });
        for (const change of accountChanges) outcomes.set(change, message);
      }
    }),
  );
  return changes.map((change) => {
    const parts = change.parts.map((part) => ({ ...part, error: outcomes.get(part.change) ?? null }));
    const errors = parts.flatMap(({ error }) => (error === null ? [] : [error]));
    return { change, parts, error: errors.length ? errors.join('; ') : null };
  });
}

const key = (customerId: string, id: string) => `${customerId}/${id}`;
