import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface NightlyPipelineProps {
  readonly aggregate: LambdaFunction;
  readonly plan: LambdaFunction;
  readonly orchestrate: LambdaFunction;
  /** Reached through every step's Catch: records the failed run and returns `{ ...input, alert: { subject, message } }`. */
  readonly recordFailure: LambdaFunction;
  readonly alertTopic: ITopic;
  /** The whole run; a stuck execution fails (and alarms) instead of running on. */
  readonly timeout?: Duration;
}

/** Task state names: the local runner maps them to handlers, the console shows them. */
export const pipelineStateNames = {
  execution: 'NoteExecution',
  aggregate: 'Aggregate',
  plan: 'Plan',
  orchestrate: 'Orchestrate',
  changesFailed: 'AnyChangeFailed',
  partial: 'ChangesFailed',
  recordFailure: 'RecordFailure',
  alert: 'PublishFailureAlert',
  failed: 'PipelineFailed',
} as const;

/**
 * Errors worth retrying: Lambda's own transient faults and throttling, and `TransientError`, which
 * the handlers throw for a busy database or a rate-limited ads API. Anything else is caught at once.
 */
export const transientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
] as const;

/**
 * The nightly state machine: the execution's id noted in the state (it holds the date's lease and
 * is written on every run record), then Aggregate → Plan → Orchestrate, each handler's result
 * being the next one's input (`payloadResponseOnly`). A failure that outlives its retries goes to
 * RecordFailure, then an SNS alert, then a Fail state so the execution shows as failed; so does a
 * night on which some budget changes failed (error `PartialRun`).
 */
export class NightlyPipeline extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: NightlyPipelineProps) {
    super(scope, id);

    const failed = new Fail(this, pipelineStateNames.failed, {
      comment:
        'Marks the execution failed with the original error, after the failure was recorded and alerted.',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const alert = new SnsPublish(this, pipelineStateNames.alert, {
      topic: props.alertTopic,
      subject: JsonPath.stringAt('$.alert.subject'),
      message: TaskInput.fromJsonPathAt('$.alert.message'),
      // Keep the state (with its error) for the Fail state rather than SNS's MessageId.
      resultPath: JsonPath.DISCARD,
    });
    const recordFailure = this.step(pipelineStateNames.recordFailure, props.recordFailure);

    // The failing step's input goes on to RecordFailure, with { Error, Cause } under $.error.
    const onFailure = { errors: [Errors.ALL], resultPath: '$.error' };
    const aggregate = this.step(pipelineStateNames.aggregate, props.aggregate).addCatch(
      recordFailure,
      onFailure,
    );
    const plan = this.step(pipelineStateNames.plan, props.plan).addCatch(recordFailure, onFailure);
    const orchestrate = this.step(pipelineStateNames.orchestrate, props.orchestrate).addCatch(
      recordFailure,
      onFailure,
    );
    recordFailure.next(alert).next(failed);

    // A night with failed budget changes is not green: it is recorded, alerted and failed like an error.
    const partial = new Pass(this, pipelineStateNames.partial, {
      comment: 'Some budget changes failed: the run is partial.',
      parameters: {
        Error: 'PartialRun',
        'Cause.$':
          "States.Format('{} budget change(s) failed for {}; the other decisions stand. The next run of the date retries the failed ones.', $.orchestrate.failed, $.date)",
      },
      resultPath: '$.error',
    }).next(recordFailure);
    const changesFailed = new Choice(this, pipelineStateNames.changesFailed)
      .when(
        Condition.and(
          Condition.isPresent('$.orchestrate.failed'),
          Condition.numberGreaterThan('$.orchestrate.failed', 0),
        ),
        partial,
      )
      .otherwise(new Succeed(this, 'NightDone'));
    const execution = new Pass(this, pipelineStateNames.execution, {
      comment: "The execution id holds the date's lease and goes on every run record.",
      parameters: { 'id.$': '$$.Execution.Id' },
      resultPath: '$.execution',
    });

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'Lead Flow Intelligence nightly run: aggregate, plan, orchestrate.',
      definitionBody: DefinitionBody.fromChainable(
        execution.next(aggregate).next(plan).next(orchestrate).next(changesFailed),
      ),
      timeout: props.timeout ?? Duration.hours(1),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
  }

  /** One Lambda step: its result becomes the state, transient errors are retried with full jitter. */
  private step(name: string, fn: LambdaFunction): LambdaInvoke {
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      // Our own Retry below replaces CDK's default one, so the policy is written once.
      retryOnServiceExceptions: false,
      // Slightly longer than the Lambda's own timeout, so its clearer timeout error wins.
      taskTimeout: Timeout.duration((fn.timeout ?? Duration.minutes(15)).plus(Duration.seconds(10))),
    });
    task.addRetry({
      errors: [...transientErrors],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      maxDelay: Duration.seconds(60),
      jitterStrategy: JitterType.FULL,
    });
    return task;
  }
}
