import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { metricsNamespace } from '../shared/runtime/metrics.ts';

export interface AlertsProps {
  /** Who gets the alerts by email; leave out to subscribe someone (or a chat hook) by hand. */
  readonly email?: string;
}

/** The on-call topic, and the alarms that publish to it. */
export class Alerts extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Lead Flow Intelligence alerts', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /**
   * Alarms on any failed execution. The pipeline publishes its own alert on a caught failure; this
   * also covers what it cannot catch (a timeout, or RecordFailure itself failing).
   */
  alarmOnFailedExecutions(stateMachine: IStateMachine): Alarm {
    const alarm = new Alarm(this, 'ExecutionsFailed', {
      alarmDescription:
        'A Lead Flow Intelligence nightly pipeline execution failed: see the Step Functions console.',
      metric: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  /**
   * Alarms when a night's budget changes failed, from the ChangesFailed metric the Orchestrate
   * step prints (EMF). The execution fails too (PartialRun); this one is on the number itself.
   */
  alarmOnFailedChanges(serviceName: string): Alarm {
    return this.alarm('ChangesFailed', {
      alarmDescription:
        'Budget changes of a Lead Flow Intelligence night failed: see the orchestration log (dashboard, Nachtrun) and run the date again, which retries only the failed ones.',
      metric: this.metric('ChangesFailed', serviceName, 'Sum', Duration.hours(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Alarms when the morning check found no succeeded night (NightSucceeded 0), or did not report
   * at all for a day: a missing run, or a missing check, is not green.
   */
  alarmOnMissingNight(serviceName: string): Alarm {
    return this.alarm('NightMissing', {
      alarmDescription:
        'No succeeded Lead Flow Intelligence night by the morning check (or the check did not run): start yesterday from the Step Functions console with {"date": "YYYY-MM-DD"}.',
      metric: this.metric('NightSucceeded', serviceName, 'Minimum', Duration.days(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }

  private metric(name: string, serviceName: string, statistic: string, period: Duration): Metric {
    // Powertools Metrics adds the service dimension to every metric it prints.
    return new Metric({
      namespace: metricsNamespace,
      metricName: name,
      dimensionsMap: { service: serviceName },
      statistic,
      period,
    });
  }

  /** One period decides, and the topic hears of it. */
  private alarm(id: string, props: Omit<AlarmProps, 'evaluationPeriods'>): Alarm {
    const alarm = new Alarm(this, id, { ...props, evaluationPeriods: 1 });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }
}
