import { Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface MissingRunCheckProps {
  /** The check-night Lambda: alerts (through the topic) when yesterday's night has not succeeded. */
  readonly check: IFunction;
  /** The hour (0-23, business time) by which a night must have succeeded. */
  readonly hour: number;
  readonly timeZone: string;
  readonly enabled?: boolean;
}

/**
 * A missing run raises no failure: nothing ran to fail. So a second schedule, at the configured
 * hour in the business time zone, runs the check; it alerts when no Orchestrate run of yesterday
 * succeeded (the schedule disabled, a throttled start dropped, an execution still stuck).
 */
export class MissingRunCheck extends Construct {
  readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: MissingRunCheckProps) {
    super(scope, id);
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description:
        'Lets EventBridge Scheduler invoke the Lead Flow Intelligence morning check, and nothing else.',
    });
    props.check.grantInvoke(role);
    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: `Alerts when no Lead Flow Intelligence nightly run of yesterday has succeeded by ${props.hour}:00.`,
      scheduleExpression: `cron(0 ${props.hour} * * ? *)`,
      scheduleExpressionTimezone: props.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      target: {
        arn: props.check.functionArn,
        roleArn: role.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: Duration.hours(1).toSeconds() },
      },
    });
    this.schedule.node.addDependency(role);
  }
}
