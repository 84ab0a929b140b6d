import type { NightlyRunStarter } from '../shared/pipeline/nightly-run.port.ts';
import type { Runtime } from '../shared/runtime/runtime.ts';
import { type ExecutionResult, runNightlyLocally } from './local-state-machine.ts';

export interface LocalNightlyStarter extends NightlyRunStarter {
  /** Every run this starter started, once all have ended (tests). */
  settled(): Promise<readonly ExecutionResult[]>;
}

/**
 * `lfi serve`'s way to start the nightly run: the state machine as CDK synthesizes it, run in
 * this process on its runtime (the same path `lfi run` takes), in the background like a Step
 * Functions execution. Its outcome is in the run records (lfi_runs), which the dashboard reads.
 */
export function localNightlyStarter(runtime: Runtime): LocalNightlyStarter {
  const started: Promise<ExecutionResult>[] = [];
  return {
    executionIdFor: (name) => `local:${name}`,
    async start({ name, input }) {
      const executionId = `local:${name}`;
      const run = runNightlyLocally(runtime, { ...input }, { executionId }).then(
        (result) => {
          if (result.status === 'FAILED')
            runtime.logger.error('nightly run started from the API failed', { ...input, ...result });
          return result;
        },
        (error: unknown): ExecutionResult => {
          runtime.logger.error('nightly run started from the API did not run', { ...input, error });
          return { status: 'FAILED', executionId, error: 'Error', cause: String(error) };
        },
      );
      started.push(run);
      return { executionId };
    },
    settled: () => Promise.all(started),
  };
}
