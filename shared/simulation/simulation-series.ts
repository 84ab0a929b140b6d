import type { Micros } from '../domain/money.ts';
import type { ControllerName } from './scenario-world.repository.ts';
import type { WorldAccount } from './scenario-world.ts';

/** What a simulation records: per segment and day, the market, the truth and the night's decision. */
export interface NightDecision {
  readonly status: string;
  readonly actionType: string;
  /** Euros as text, as the orchestration log keeps them. */
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly explanation: string;
}

export interface SegmentDayRecord {
  readonly day: number;
  readonly date: string;
  /** The budget in force during the day (after any hand edit). */
  readonly budgetMicros: Micros;
  /** The budget in the account after the night of this day ran (in force the next day unless edited). */
  readonly budgetAfterNightMicros: Micros;
  /** The budget was set by hand before this day started. */
  readonly handEdit: boolean;
  readonly spendMicros: Micros;
  readonly expectedLeads: number;
  readonly realizedLeads: number;
  /** Expected leads at the highest allowed budget: the most this day could give. */
  readonly maxExpectedLeads: number;
  readonly demandCeiling: number;
  /** Even 90% of the target costs more at the margin than a lead earns (price × acceptance rate). */
  readonly targetUneconomic: boolean;
  readonly spendAboveCeilingMicros: Micros;
  readonly lostImpressionShare: number;
  /** True capacity (active partners' daily capacity) and true target of the day. */
  readonly capacity: number;
  readonly target: number;
  /** The target the Plan step wrote for the date (lead_segment_plans), if it wrote one. */
  readonly planTarget: number | null;
  readonly targetOverride: number | null;
  /** A cost-per-lead shock starts this day. */
  readonly costShock: boolean;
  readonly outage: boolean;
  readonly costMissing: boolean;
  /** The night's real decision for the date (channel_orchestration_log), if any. */
  readonly decision: NightDecision | null;
}

export interface SegmentSeries {
  readonly code: string;
  readonly branch: string;
  readonly region: string;
  readonly customerId: string;
  readonly days: readonly SegmentDayRecord[];
}

export interface SimulationSeries {
  readonly scenario: string;
  readonly controller: ControllerName;
  readonly startDate: string;
  readonly days: number;
  readonly seed: number;
  readonly warmupDays: number;
  readonly accounts: readonly WorldAccount[];
  readonly segments: readonly SegmentSeries[];
}
