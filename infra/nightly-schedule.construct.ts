import { Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface NightlyScheduleProps {
  readonly stateMachine: IStateMachine;
  /** The business time zone; the cron fires at 01:00 there, summer and winter alike. */
  readonly timeZone?: string;
  readonly enabled?: boolean;
}

/**
 * Starts the nightly pipeline at 01:00 business time with input `{}` (the Aggregate step turns a
 * missing date into yesterday). EventBridge Scheduler rather than a rule: a rule's cron is UTC and
 * would drift an hour with daylight saving time.
 */
export class NightlySchedule extends Construct {
  readonly schedule: CfnSchedule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: NightlyScheduleProps) {
    super(scope, id);
    // Only this account's scheduler may assume the role (the confused-deputy guard AWS recommends).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description:
        'Lets EventBridge Scheduler start the Lead Flow Intelligence nightly pipeline, and nothing else.',
    });
    props.stateMachine.grantStartExecution(this.role);

    this.schedule = new CfnSchedule(this, 'Schedule', {
      description: 'Runs the Lead Flow Intelligence nightly pipeline for yesterday.',
      scheduleExpression: 'cron(0 1 * * ? *)',
      scheduleExpressionTimezone: props.timeZone ?? 'Europe/Amsterdam',
      // Budgets change once a night at a known time; no spreading the start over a window.
      flexibleTimeWindow: { mode: 'OFF' },
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      target: {
        arn: props.stateMachine.stateMachineArn,
        roleArn: this.role.roleArn,
        input: '{}',
        // A start that Step Functions throttles is tried again for up to an hour, not dropped.
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: Duration.hours(1).toSeconds() },
      },
    });
    this.schedule.node.addDependency(this.role);
  }
}
