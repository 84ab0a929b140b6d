/**
 * The nightly run's numbers for CloudWatch (embedded metric format in Lambda): a port, so the
 * steps name what they measure and the composition root decides where it goes.
 */
export type MetricName =
  | 'SegmentsPlanned'
  | 'GapPercent'
  | 'UnsegmentedLeads'
  | 'ChangesApplied'
  | 'ChangesSkipped'
  | 'ChangesFailed'
  | 'BudgetChangedEuros'
  /** The morning check: 1 when yesterday's night succeeded, 0 when it did not. */
  | 'NightSucceeded';

export interface Metrics {
  /** One value of a metric; a metric added several times before `publish` is a distribution. */
  add(name: MetricName, value: number): void;
  /** Writes what was added (one EMF document per up to 100 values) and starts afresh. */
  publish(): void;
}

export const metricsNamespace = 'LeadFlowIntelligence';

/** Off the Lambda (the CLI, tests that do not look): numbers go nowhere. */
export const noMetrics: Metrics = { add() {}, publish() {} };
