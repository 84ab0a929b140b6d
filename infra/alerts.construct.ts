import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

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
}
