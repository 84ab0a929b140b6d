import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LeadFlowIntelligenceStack } from './lfi-stack.ts';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import { readSettings } from './settings.ts';

export interface LfiAppOptions {
  /** Extra CDK context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. */
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
  /**
   * Check the stack at synthesis: cdk-nag's AwsSolutions rules and CDK's built-in CloudFormation
   * validation (default true; off where only the template is wanted, as it takes seconds).
   */
  readonly validate?: boolean;
}

/**
 * The CDK app: one environment-agnostic stack (no account, no lookups), so `cdk synth` works
 * offline, checked against the cdk-nag AwsSolutions rules.
 */
export function createLfiApp(options: LfiAppOptions = {}): { app: App; stack: LeadFlowIntelligenceStack } {
  const validate = options.validate ?? true;
  const app = new App({
    context: options.context,
    outdir: options.outdir,
    builtinCloudFormationValidation: validate,
  });
  const stack = new LeadFlowIntelligenceStack(app, 'LeadFlowIntelligence', {
    description:
      'Lead Flow Intelligence: nightly aggregate, plan and Google Ads budget orchestration per lead segment.',
    settings: readSettings(app),
  });
  Tags.of(app).add('project', 'lead-flow-intelligence');
  if (validate) {
    acknowledgeNagFindings(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stack };
}
