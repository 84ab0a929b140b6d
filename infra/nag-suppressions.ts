import { Validations } from 'aws-cdk-lib';
import type { LeadFlowIntelligenceStack } from './lfi-stack.ts';

/** The cdk-nag findings we accept, each on the construct it concerns, with the reason why. */
export function acknowledgeNagFindings(stack: LeadFlowIntelligenceStack): void {
  const lfiFunctions = [
    ...Object.values(stack.functions),
    ...Object.values(stack.httpApi.functions),
    stack.httpApi.dashboard,
  ];
  for (const lfiFunction of lfiFunctions) {
    Validations.of(lfiFunction).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray accepts trace segments only on Resource "*" (xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions).',
    });
  }
  const stateMachine = stack.pipeline.stateMachine;
  Validations.of(stateMachine).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Step Functions log delivery (logs:CreateLogDelivery and related actions) and X-Ray tracing support only Resource "*".',
  });
  const { aggregate, plan, orchestrate, recordFailure, checkNight } = stack.functions;
  for (const { function: fn } of [aggregate, plan, orchestrate, recordFailure]) {
    const logicalId = stack.logicalIdOf(fn);
    Validations.of(stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        'The state machine may invoke any version or alias of its own four pipeline functions, which is what the ":*" qualifier covers; no other function is allowed.',
    });
  }
  Validations.of(stack.missingRunCheck).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${stack.logicalIdOf(checkNight.function)}.Arn>:*]`,
    reason:
      'The morning check schedule may invoke any version or alias of the check-night function, which is what the ":*" qualifier covers; no other function is allowed.',
  });
  // Only the routes that serve no data go without the JWT authorizer; the route table's test
  // (tests/unit/infra/http-api.test.ts) proves every data route has it.
  for (const route of stack.httpApi.openRoutes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "This route serves no data: it answers 404 (unknown path) or 405 (wrong method) in the API error shape, or serves the public OpenAPI document or the dashboard page, which then calls the API with the user's token.",
    });
  }
}
