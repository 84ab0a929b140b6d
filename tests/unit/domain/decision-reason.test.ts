import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionText } from '../../../cli/run-report.ts';
import {
  type BudgetSegmentInput,
  controllerSettingsSchema,
  decideBudgets,
} from '../../../shared/domain/budget-controller.ts';
import { reasonCodes, renderReason } from '../../../shared/domain/decision-reason.ts';
import { defaultGuardrailSettings } from '../../../shared/domain/guardrails.ts';
import { runArbitrary, settingsArbitrary } from './run-arbitraries.ts';

/**
 * A decision's reason is data (a code and its numbers) beside the stored English line. Rendered
 * in English it must say exactly what the line says, whatever the controller decided: then the
 * data carries everything the sentence needs, and every language can say it.
 */

describe.each(['default', 'plan'] as const)('the reason of a %s controller decision', (name) => {
  const controller = controllerSettingsSchema.parse({ name });

  it('renders in English as exactly the stored explanation', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        for (const decision of decideBudgets(segments, settings, controller)) {
          expect(renderReason(decision.reason)).toBe(decision.explanation);
          expect(reasonCodes).toContain(decision.reason.code);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('survives a trip through JSON (jsonb) with its numbers', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        for (const decision of decideBudgets(segments, settings, controller)) {
          const stored = JSON.parse(JSON.stringify(decision.reason));
          if (!decision.explanation.includes('∞')) expect(renderReason(stored)).toBe(decision.explanation);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the reason code', () => {
  const base: BudgetSegmentInput = {
    segmentId: 'a',
    code: 'a',
    branch: 'schilder',
    accountId: '1',
    currentBudgetMicros: 400_000_000,
    targetLeadsPerDay: 40,
    recentLeadsPerDay: 10,
    leadsOnDate: 10,
    history: Array.from({ length: 28 }, (_, i) => ({
      date: `2026-11-${String(i + 1).padStart(2, '0')}`,
      leads: 10,
      spendMicros: 400_000_000,
      budgetMicros: 400_000_000,
      budgetLostImpressionShare: 0.4,
    })),
    valuePerLeadMicros: null,
    capacityTotalLeads: 60,
    isPaused: false,
  };
  const decide = (input: BudgetSegmentInput, settings = defaultGuardrailSettings) =>
    decideBudgets([input], settings)[0]?.reason;

  it('names the ±20% limit when it capped a raise, with the amounts as exact strings', () => {
    expect(decide(base)).toMatchObject({
      code: 'max_daily_change',
      params: { old_budget: '400.00', new_budget: '480.00', target_leads_per_day: 40, recent_days: 7 },
    });
  });

  it('names the stop first: the kill switch beats every limit', () => {
    expect(decide(base, { ...defaultGuardrailSettings, killSwitch: true })).toEqual({
      code: 'kill_switch',
      params: { reasons: ['kill_switch'] },
    });
    expect(decide({ ...base, isPaused: true })?.code).toBe('paused');
  });

  it('says no data when the window has no leads and no cost', () => {
    const quiet = base.history.map((day) => ({ ...day, leads: 0, spendMicros: 0 }));
    expect(decide({ ...base, history: quiet })?.code).toBe('no_data');
  });
});

describe("the CLI's run table", () => {
  const decision = {
    action_type: 'no_change',
    status: 'skipped',
    old_value: '40.00',
    new_value: '40.00',
    explanation: 'stored line',
    error_message: null,
  };

  it("says a decision's reason in English from its code and parameters", () => {
    expect(decisionText({ ...decision, reason_code: 'paused', reason_params: { reasons: ['paused'] } })).toBe(
      'no change: paused by admin',
    );
    expect(
      decisionText({ ...decision, reason_code: 'foreign_currency', reason_params: { currency: 'USD' } }),
    ).toBe('skipped: the ads account bills in USD; LFI budgets and limits are in EUR');
  });

  it('keeps the stored line for a decision logged before reasons were data, and shows an error first', () => {
    expect(decisionText({ ...decision, reason_code: null, reason_params: null })).toBe('stored line');
    expect(
      decisionText({
        ...decision,
        reason_code: 'paused',
        reason_params: {},
        error_message: 'quota exceeded',
      }),
    ).toBe('quota exceeded');
  });
});
