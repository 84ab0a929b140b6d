import { ExecutionError, type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStateMachine, synthesizeNightlyStateMachine } from '../../../infra/synthesize.ts';

type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Handler = Handlers[string];
type Json = Parameters<Handler>[0];
type State = { [key: string]: Json };

/** A fake step: records what it got, returns it plus its own counts (as the real handlers do). */
function step(key: string, calls: unknown[]): Handler {
  return (input) => {
    calls.push(input);
    return { ...(input as State), [key]: { segments: 3 } };
  };
}

function transientError(message: string): Error {
  const error = new Error(message);
  error.name = 'TransientError';
  return error;
}

const executionArn = 'arn:aws:states:eu-west-1:000000000000:execution:Nightly:night-1';
const noted = { id: executionArn };

describe('the synthesized nightly state machine, run by aws-local-stepfunctions', () => {
  let synthesized: SynthesizedStateMachine;
  let machine: StateMachine;
  /** Fake handlers by task, mapped to state names the way the local runner maps the real ones. */
  let run: (
    input: State,
    fakes: Partial<Record<string, Handler>>,
  ) => ReturnType<StateMachine['run']> & { calls: Record<string, unknown[]> };

  beforeAll(async () => {
    synthesized = await synthesizeNightlyStateMachine();
    machine = new StateMachine(synthesized.definition);
    run = (input, fakes) => {
      const calls: Record<string, unknown[]> = {};
      const handlers: Handlers = {};
      // Retry waits are real sleeps (up to IntervalSeconds × BackoffRate^n, jittered): skip them.
      const retryIntervalOverrides: Record<string, number> = {};
      for (const [stateName, task] of Object.entries(synthesized.taskStates)) {
        calls[task] = [];
        const fake = fakes[task];
        handlers[stateName] = (payload) => {
          calls[task]?.push(payload);
          if (!fake) throw new Error(`No fake for ${task}`);
          return fake(payload);
        };
        retryIntervalOverrides[stateName] = 0;
      }
      const execution = machine.run(input, {
        overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
        // What Step Functions gives every execution; the first state notes its id in the state.
        context: { Execution: { Id: executionArn } },
      });
      return { ...execution, calls };
    };
  }, 30_000);

  it('maps every Task state to a pipeline Lambda or the alert', () => {
    expect(synthesized.taskStates).toEqual({
      Aggregate: 'aggregate',
      Plan: 'plan',
      Orchestrate: 'orchestrate',
      RecordFailure: 'record-failure',
      PublishFailureAlert: 'alert',
    });
  });

  it('passes each step’s result on to the next and ends with all three results', async () => {
    const seen: unknown[] = [];
    const execution = run(
      { date: '2026-11-24', dryRun: true },
      {
        aggregate: step('aggregate', seen),
        plan: step('plan', seen),
        orchestrate: step('orchestrate', seen),
      },
    );

    const output = await execution.result;

    expect(seen).toEqual([
      { date: '2026-11-24', dryRun: true, execution: noted },
      { date: '2026-11-24', dryRun: true, execution: noted, aggregate: { segments: 3 } },
      {
        date: '2026-11-24',
        dryRun: true,
        execution: noted,
        aggregate: { segments: 3 },
        plan: { segments: 3 },
      },
    ]);
    expect(output).toEqual({
      date: '2026-11-24',
      dryRun: true,
      execution: noted,
      aggregate: { segments: 3 },
      plan: { segments: 3 },
      orchestrate: { segments: 3 },
    });
    expect(execution.calls['record-failure']).toHaveLength(0);
  });

  it('retries a step that throws TransientError and carries on when it then succeeds', async () => {
    let attempts = 0;
    const seen: unknown[] = [];
    const execution = run(
      { date: '2026-11-24' },
      {
        aggregate: (input) => {
          attempts += 1;
          if (attempts === 1) throw transientError('database busy');
          return { ...(input as State), aggregate: { segments: 3 } };
        },
        plan: step('plan', seen),
        orchestrate: step('orchestrate', seen),
      },
    );
    const retried: unknown[] = [];
    for await (const event of execution.eventLogs)
      if (event.type === 'StateRetried') retried.push(event.state.name);

    const output = await execution.result;

    expect(attempts).toBe(2);
    expect(retried).toEqual(['Aggregate']);
    expect(output).toMatchObject({
      aggregate: { segments: 3 },
      plan: { segments: 3 },
      orchestrate: { segments: 3 },
    });
    expect(execution.calls['record-failure']).toHaveLength(0);
  });

  it('gives up on a step that stays transient after the retries', async () => {
    const execution = run(
      { date: '2026-11-24' },
      {
        aggregate: () => {
          throw transientError('database down');
        },
        'record-failure': (input) => ({ ...(input as State), alert: { subject: 's', message: 'm' } }),
        alert: () => ({ MessageId: '1' }),
      },
    );

    await expect(execution.result).rejects.toBeInstanceOf(ExecutionError);
    expect(execution.calls.aggregate).toHaveLength(1 + 4); // first try plus MaxAttempts
    expect(execution.calls['record-failure']).toHaveLength(1);
  });

  it('sends a permanent failure through RecordFailure and the SNS alert to a failed execution', async () => {
    const execution = run(
      { date: '2026-11-24' },
      {
        aggregate: step('aggregate', []),
        plan: () => {
          throw new Error('segment 7 has no branch');
        },
        'record-failure': (input) => ({
          ...(input as State),
          alert: {
            subject: 'LFI nightly run failed (2026-11-24)',
            message: 'Plan failed: segment 7 has no branch',
          },
        }),
        alert: () => ({ MessageId: 'm-1' }),
      },
    );

    const failure = await execution.result.then(
      () => undefined,
      (error: unknown) => error,
    );

    // Not retried: only TransientError and Lambda's own faults are.
    expect(execution.calls.plan).toHaveLength(1);
    expect(execution.calls.orchestrate).toHaveLength(0);
    expect(execution.calls['record-failure']).toEqual([
      {
        date: '2026-11-24',
        execution: noted,
        aggregate: { segments: 3 },
        error: { Error: 'Error', Cause: 'segment 7 has no branch' },
      },
    ]);
    expect(execution.calls.alert).toEqual([
      {
        TopicArn: expect.stringMatching(/^arn:aws:sns:eu-west-1:000000000000:/),
        Subject: 'LFI nightly run failed (2026-11-24)',
        Message: 'Plan failed: segment 7 has no branch',
      },
    ]);
    // The Fail state reports the original error, so the console shows why the night failed.
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).cause).toMatchObject({
      name: 'Error',
      message: 'segment 7 has no branch',
    });
  });

  it('ends a night with failed budget changes as a failed execution (PartialRun), recorded and alerted', async () => {
    const execution = run(
      { date: '2026-11-24' },
      {
        aggregate: step('aggregate', []),
        plan: step('plan', []),
        orchestrate: (input) => ({ ...(input as State), orchestrate: { segments: 3, failed: 2 } }),
        'record-failure': (input) => ({ ...(input as State), alert: { subject: 's', message: 'm' } }),
        alert: () => ({ MessageId: 'm-2' }),
      },
    );

    const failure = await execution.result.then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(execution.calls['record-failure']).toEqual([
      expect.objectContaining({
        execution: noted,
        error: {
          Error: 'PartialRun',
          Cause:
            '2 budget change(s) failed for 2026-11-24; the other decisions stand. The next run of the date retries the failed ones.',
        },
      }),
    ]);
    expect(execution.calls.alert).toHaveLength(1);
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).cause).toMatchObject({ name: 'PartialRun' });
  });

  it('ends a night without failed changes as a success', async () => {
    const execution = run(
      { date: '2026-11-24' },
      {
        aggregate: step('aggregate', []),
        plan: step('plan', []),
        orchestrate: (input) => ({ ...(input as State), orchestrate: { segments: 3, failed: 0 } }),
      },
    );
    await expect(execution.result).resolves.toMatchObject({ orchestrate: { failed: 0 } });
    expect(execution.calls['record-failure']).toHaveLength(0);
  });
});
