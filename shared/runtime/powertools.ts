import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from './logger.ts';
import { type MetricName, type Metrics, metricsNamespace } from './metrics.ts';

/**
 * The Logger port on Powertools' Logger: one JSON line per entry, with `service`, and each Error
 * in the context formatted with its name, message, stack, cause (recursively) and own fields
 * such as `code` (Powertools' formatError).
 */
export function powertoolsLogger(
  serviceName: string,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
): Logger {
  const logger = new PowertoolsLogger({ serviceName, logLevel: level.toUpperCase() as 'INFO' });
  return {
    debug: (message, context = {}) => logger.debug(message, context),
    info: (message, context = {}) => logger.info(message, context),
    warn: (message, context = {}) => logger.warn(message, context),
    error: (message, context = {}) => logger.error(message, context),
    appendKeys(keys) {
      const entries = Object.entries(keys);
      logger.removeKeys(entries.filter(([, value]) => value === undefined).map(([key]) => key));
      logger.appendKeys(Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
    },
  };
}

const units: Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  SegmentsPlanned: MetricUnit.Count,
  GapPercent: MetricUnit.Percent,
  UnsegmentedLeads: MetricUnit.Count,
  ChangesApplied: MetricUnit.Count,
  ChangesSkipped: MetricUnit.Count,
  ChangesFailed: MetricUnit.Count,
  BudgetChangedEuros: MetricUnit.NoUnit,
  NightSucceeded: MetricUnit.Count,
};

/** EMF's limit of values per metric in one document. */
const maxValues = 100;

/** The Metrics port on Powertools' Metrics: EMF JSON on stdout, which CloudWatch turns into metrics. */
export function emfMetrics(serviceName: string): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: metricsNamespace, serviceName });
  const values = new Map<MetricName, number>();
  return {
    add(name, value) {
      if ((values.get(name) ?? 0) >= maxValues) this.publish();
      values.set(name, (values.get(name) ?? 0) + 1);
      metrics.addMetric(name, units[name], value);
    },
    publish() {
      if (values.size === 0) return;
      values.clear();
      metrics.publishStoredMetrics();
    },
  };
}
