import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLfiApp } from '../../../infra/lfi-app.ts';
import type { LeadFlowIntelligenceStack } from '../../../infra/lfi-stack.ts';

/**
 * Every Lambda's permissions, exactly: what each may do, on what, and which secrets it can name.
 * A new permission anywhere fails here until this list says who needs it and why.
 */
interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}

// Everyone: write its own logs and send X-Ray traces (which accept only Resource "*").
const logsAndTraces = [
  'logs:CreateLogStream,logs:PutLogEvents on its own log group',
  'xray:PutTelemetryRecords,xray:PutTraceSegments on *',
];
const readSupabaseKey =
  'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue on secret lfi/supabase-service-role-key';
// Gap alerts and the morning check page the on-call through the alert topic, and nothing else.
const publishAlerts = 'sns:Publish on the alert topic';
const readGoogleAds = 'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue on secret lfi/google-ads';
const startNightly = 'states:StartExecution on the nightly state machine';

const expected: Readonly<
  Record<string, { readonly permissions: readonly string[]; readonly secretIds: readonly string[] }>
> = {
  // The steps that fetch the ads report and change budgets: the database and Google Ads.
  aggregate: {
    permissions: [...logsAndTraces, readGoogleAds, readSupabaseKey],
    secretIds: ['GOOGLE_ADS_SECRET_ID', 'SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  orchestrate: {
    permissions: [...logsAndTraces, readGoogleAds, readSupabaseKey],
    secretIds: ['GOOGLE_ADS_SECRET_ID', 'SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  // The database only.
  plan: {
    permissions: [...logsAndTraces, readSupabaseKey, publishAlerts],
    secretIds: ['SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  checkNight: {
    permissions: [...logsAndTraces, readSupabaseKey, publishAlerts],
    secretIds: ['SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  recordFailure: {
    permissions: [...logsAndTraces, readSupabaseKey],
    secretIds: ['SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  reads: { permissions: [...logsAndTraces, readSupabaseKey], secretIds: ['SUPABASE_SERVICE_ROLE_SECRET_ID'] },
  // The admin writes: the database; starting the nightly run now ("run yesterday now"); Google
  // Ads for a restore, which puts a night's budgets back.
  writes: {
    permissions: [...logsAndTraces, readGoogleAds, readSupabaseKey, startNightly],
    secretIds: ['GOOGLE_ADS_SECRET_ID', 'SUPABASE_SERVICE_ROLE_SECRET_ID'],
  },
  // The OpenAPI document and 404s, and the dashboard's files: no data, so no database and no secret.
  docs: { permissions: logsAndTraces, secretIds: [] },
  dashboard: { permissions: logsAndTraces, secretIds: [] },
};

describe('least privilege of every Lambda', () => {
  let stack: LeadFlowIntelligenceStack;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  beforeAll(() => {
    ({ stack } = createLfiApp({ context: { 'aws:cdk:bundling-stacks': [] }, validate: false }));
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  const functionsByName = (): Record<string, string> => ({
    aggregate: stack.logicalIdOf(stack.functions.aggregate.function),
    orchestrate: stack.logicalIdOf(stack.functions.orchestrate.function),
    plan: stack.logicalIdOf(stack.functions.plan.function),
    recordFailure: stack.logicalIdOf(stack.functions.recordFailure.function),
    checkNight: stack.logicalIdOf(stack.functions.checkNight.function),
    reads: stack.logicalIdOf(stack.httpApi.functions.reads.function),
    writes: stack.logicalIdOf(stack.httpApi.functions.writes.function),
    docs: stack.logicalIdOf(stack.httpApi.functions.docs.function),
    dashboard: stack.logicalIdOf(stack.httpApi.dashboard.function),
  });

  /** `actions on resource`, the resource named by what it is rather than by its ARN's tokens. */
  function permissionsOf(functionId: string): string[] {
    const fn = resources[functionId]?.Properties as {
      Role: { 'Fn::GetAtt': [string, string] };
      LoggingConfig: { LogGroup: { Ref: string } };
    };
    const role = fn.Role['Fn::GetAtt'][0];
    const ownLogGroup = fn.LoggingConfig.LogGroup.Ref;
    expect(resources[role]?.Properties.ManagedPolicyArns, 'no managed policies').toBeUndefined();
    const statements = Object.values(resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`),
      )
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    return statements
      .map((statement) => {
        expect(statement.Effect).toBe('Allow');
        const actions = [statement.Action].flat().sort().join(',');
        const resource = JSON.stringify(statement.Resource);
        const secret = /:secret:([\w/+=.@-]+)-\?{6}/.exec(resource)?.[1];
        const named =
          resource === '"*"'
            ? '*'
            : resource === JSON.stringify({ 'Fn::GetAtt': [ownLogGroup, 'Arn'] })
              ? 'its own log group'
              : resource === JSON.stringify({ Ref: stack.logicalIdOf(stack.alerts.topic) })
                ? 'the alert topic'
                : secret
                  ? `secret ${secret}`
                  : resource === JSON.stringify({ Ref: stack.logicalIdOf(stack.pipeline.stateMachine) })
                    ? 'the nightly state machine'
                    : resource;
        return `${actions} on ${named}`;
      })
      .sort();
  }

  for (const [name, { permissions, secretIds }] of Object.entries(expected)) {
    it(`lets ${name} do exactly what it needs`, () => {
      const id = functionsByName()[name] ?? '';
      expect(permissionsOf(id)).toEqual([...permissions].sort());
      const environment = resources[id]?.Properties.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      const variables = Object.keys(environment?.Variables ?? {});
      expect(variables.filter((v) => v.endsWith('_SECRET_ID')).sort()).toEqual(secretIds);
      expect(variables).not.toContain('SUPABASE_SERVICE_ROLE_KEY');
      if (secretIds.length === 0) expect(variables).not.toContain('DATABASE_URL');
    });
  }

  it('lists every Lambda of the stack', () => {
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).sort()).toEqual(
      Object.values(functionsByName()).sort(),
    );
  });
});
