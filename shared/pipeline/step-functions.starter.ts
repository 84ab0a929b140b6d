import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { NightlyRunStarter } from './nightly-run.port.ts';

/**
 * The nightly state machine started through Step Functions' StartExecution, as the schedule
 * starts it, with the date and who asked as input.
 */
export function stepFunctionsStarter(
  stateMachineArn: string,
  client: Pick<SFNClient, 'send'> = new SFNClient({}),
): NightlyRunStarter {
  return {
    executionIdFor: (name) => executionArn(stateMachineArn, name),
    async start({ name, input }) {
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionId: started.executionArn ?? executionArn(stateMachineArn, name) };
    },
  };
}

/** arn:aws:states:<region>:<account>:stateMachine:<machine> → …:execution:<machine>:<name>. */
export function executionArn(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine')
    throw new Error(`Not a state machine ARN: ${stateMachineArn}.`);
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}
