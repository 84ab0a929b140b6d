import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { createLfiApp } from './lfi-app.ts';

/** What a Task state of the nightly state machine runs: one of the four Lambdas, or the SNS alert. */
export type PipelineTask = 'aggregate' | 'plan' | 'orchestrate' | 'record-failure' | 'alert';

export interface SynthesizedStateMachine {
  /** The Amazon States Language definition CDK deploys, with placeholder ARNs in place of tokens. */
  readonly definition: StateMachineDefinition;
  /** Task state name → what it runs, so a local runner can map each state to its handler. */
  readonly taskStates: Record<string, PipelineTask>;
}

// Placeholders for what CloudFormation would fill in; shaped like real ARNs so ASL validation passes.
const placeholder = { partition: 'aws', region: 'eu-west-1', account: '000000000000' } as const;
const pseudoParameters: Record<string, string> = {
  'AWS::Partition': placeholder.partition,
  'AWS::Region': placeholder.region,
  'AWS::AccountId': placeholder.account,
  'AWS::URLSuffix': 'amazonaws.com',
};
const lambdaArnPrefix = `arn:${placeholder.partition}:lambda:${placeholder.region}:${placeholder.account}:function:`;
const snsPublishResource = `arn:${placeholder.partition}:states:::sns:publish`;

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * Synthesizes the stack in process (no bundling, no validation: only the definition matters here) and
 * returns the nightly state machine exactly as CDK would deploy it, for aws-local-stepfunctions.
 */
export async function synthesizeNightlyStateMachine(): Promise<SynthesizedStateMachine> {
  const outdir = mkdtempSync(join(tmpdir(), 'lfi-synth-'));
  try {
    const { app, stack } = createLfiApp({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir,
      validate: false,
    });
    const resources = app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<
      string,
      TemplateResource
    >;
    const stateMachineId = stack.logicalIdOf(stack.pipeline.stateMachine);
    const definitionString = resources[stateMachineId]?.Properties?.DefinitionString;
    const definition = JSON.parse(resolveIntrinsic(definitionString, resources)) as StateMachineDefinition;

    const taskOfFunction = new Map<string, PipelineTask>([
      [stack.logicalIdOf(stack.functions.aggregate.function), 'aggregate'],
      [stack.logicalIdOf(stack.functions.plan.function), 'plan'],
      [stack.logicalIdOf(stack.functions.orchestrate.function), 'orchestrate'],
      [stack.logicalIdOf(stack.functions.recordFailure.function), 'record-failure'],
    ]);
    const taskStates: Record<string, PipelineTask> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const task =
        state.Resource === snsPublishResource
          ? 'alert'
          : taskOfFunction.get(state.Resource.slice(lambdaArnPrefix.length));
      if (!task || (task !== 'alert' && !state.Resource.startsWith(lambdaArnPrefix))) {
        throw new Error(
          `Task state ${name} runs ${state.Resource}, which is neither a pipeline Lambda nor the alert.`,
        );
      }
      taskStates[name] = task;
    }
    return { definition, taskStates };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resolves the few intrinsics a definition string holds (Fn::Join, Ref, Fn::GetAtt …Arn) to text. */
function resolveIntrinsic(value: unknown, resources: Record<string, TemplateResource>): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [[fn, args] = []] = Object.entries(value);
    if (fn === 'Fn::Join' && Array.isArray(args) && Array.isArray(args[1])) {
      return args[1].map((part: unknown) => resolveIntrinsic(part, resources)).join(String(args[0]));
    }
    if (fn === 'Ref' && typeof args === 'string') {
      return pseudoParameters[args] ?? placeholderArn(args, resources);
    }
    if (fn === 'Fn::GetAtt' && Array.isArray(args) && args[1] === 'Arn') {
      return placeholderArn(String(args[0]), resources);
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition.`);
}

/** The ARN a Ref (SNS topic) or Fn::GetAtt Arn (Lambda function) would give, named after the logical id. */
function placeholderArn(logicalId: string, resources: Record<string, TemplateResource>): string {
  const { partition, region, account } = placeholder;
  switch (resources[logicalId]?.Type) {
    case 'AWS::Lambda::Function':
      return `${lambdaArnPrefix}${logicalId}`;
    case 'AWS::SNS::Topic':
      return `arn:${partition}:sns:${region}:${account}:${logicalId}`;
    default:
      throw new Error(
        `No placeholder ARN for ${logicalId} (${resources[logicalId]?.Type ?? 'not in the template'}).`,
      );
  }
}
