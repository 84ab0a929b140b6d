/**
 * Starting the nightly state machine outside its schedule (the dashboard's "run yesterday now"):
 * in AWS a Step Functions StartExecution, on this machine the same state machine run in-process
 * (cli/local-nightly-starter.ts). The execution's id is known before it starts, so the run's lease
 * can be taken in its name first: a run of the date in progress is refused, not raced.
 */
export interface NightlyRunInput {
  readonly date: string;
  /** Recorded on each step's run (lfi_runs.started_by). */
  readonly startedBy: string;
}

export interface NightlyRunStarter {
  /** The execution id (`$$.Execution.Id`) a start under this name gets. */
  executionIdFor(name: string): string;
  /** Starts the execution; resolves once it is started, not when it ends. */
  start(request: {
    readonly name: string;
    readonly input: NightlyRunInput;
  }): Promise<{ readonly executionId: string }>;
}
