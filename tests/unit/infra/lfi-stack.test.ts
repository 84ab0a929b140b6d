import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLfiApp } from '../../../infra/lfi-app.ts';
import type { LeadFlowIntelligenceStack } from '../../../infra/lfi-stack.ts';
import { transientErrors } from '../../../infra/nightly-pipeline.construct.ts';
import { SettingsError } from '../../../infra/settings.ts';
import { loadConfig } from '../../../shared/config/config.ts';

// Bundling and synth-time validation off: these tests read the template, and stay fast.
const fastSynth = { 'aws:cdk:bundling-stacks': [] };

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}
interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly Resource?: string;
  readonly ResultPath?: string | null;
  readonly Parameters?: Record<string, unknown>;
  readonly Retry?: { ErrorEquals: string[]; JitterStrategy?: string; MaxAttempts?: number }[];
  readonly Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

function synth(context: Record<string, unknown> = {}) {
  const { stack } = createLfiApp({ context: { ...fastSynth, ...context }, validate: false });
  return { stack, template: Template.fromStack(stack) };
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) => [statement.Resource].flat();

/** The statements of every inline policy attached to the given role. */
function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

function roleOf(template: Template, functionLogicalId: string): string {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  return fn?.Properties.Role['Fn::GetAtt'][0];
}

/** The definition with each CloudFormation token written as `{{logicalId}}`, parsed as ASL. */
function definitionOf(template: Template): { States: Record<string, AslState>; StartAt: string } {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (!machine) throw new Error('The stack has no state machine.');
  const [, parts] = machine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return `{{${token.Ref ?? token['Fn::GetAtt']?.[0]}}}`;
    })
    .join('');
  return JSON.parse(text);
}

describe('LeadFlowIntelligenceStack', () => {
  let stack: LeadFlowIntelligenceStack;
  let template: Template;
  let ids: Record<'aggregate' | 'plan' | 'orchestrate' | 'recordFailure' | 'stateMachine' | 'topic', string>;

  beforeAll(() => {
    ({ stack, template } = synth());
    ids = {
      aggregate: stack.logicalIdOf(stack.functions.aggregate.function),
      plan: stack.logicalIdOf(stack.functions.plan.function),
      orchestrate: stack.logicalIdOf(stack.functions.orchestrate.function),
      recordFailure: stack.logicalIdOf(stack.functions.recordFailure.function),
      stateMachine: stack.logicalIdOf(stack.pipeline.stateMachine),
      topic: stack.logicalIdOf(stack.alerts.topic),
    };
  });

  describe('nightly schedule', () => {
    it('starts the state machine at 01:00 Amsterdam time with an empty input and no flexible window', () => {
      // A UTC cron would run at 00:00 or 02:00 local half the year; `{}` lets Aggregate pick yesterday.
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 1 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Amsterdam',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { Ref: ids.stateMachine },
          Input: '{}',
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
        },
      });
    });

    it('gives the scheduler a role that may only start this state machine', () => {
      // The schedule's role is assumable by a service; it must not be a way into anything else.
      const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
      const roleId = schedule?.Properties.Target.RoleArn['Fn::GetAtt'][0];
      expect(statementsOfRole(template, roleId)).toEqual([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: ids.stateMachine } },
      ]);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        },
      });
    });
  });

  describe('state machine definition', () => {
    it('runs Aggregate, Plan and Orchestrate in order, each on its own function', () => {
      // The order is the business rule: a plan needs fresh stats, budgets need the plan.
      const { StartAt, States } = definitionOf(template);
      // The first state notes the execution's id: it holds the date's lease and goes on every run record.
      expect(StartAt).toBe('NoteExecution');
      expect(States.NoteExecution).toMatchObject({
        Type: 'Pass',
        Parameters: { 'id.$': '$$.Execution.Id' },
        ResultPath: '$.execution',
        Next: 'Aggregate',
      });
      expect(States.Aggregate).toMatchObject({
        Type: 'Task',
        Next: 'Plan',
        Resource: `{{${ids.aggregate}}}`,
      });
      expect(States.Plan).toMatchObject({ Type: 'Task', Next: 'Orchestrate', Resource: `{{${ids.plan}}}` });
      expect(States.Orchestrate).toMatchObject({
        Type: 'Task',
        Next: 'AnyChangeFailed',
        Resource: `{{${ids.orchestrate}}}`,
      });
      // A night with failed budget changes goes the failure's way: recorded, alerted, failed.
      expect(States.AnyChangeFailed).toMatchObject({ Type: 'Choice', Default: 'NightDone' });
      expect(States.ChangesFailed).toMatchObject({
        Type: 'Pass',
        ResultPath: '$.error',
        Next: 'RecordFailure',
      });
    });

    it('retries every Lambda task on transient errors only, with backoff and full jitter', () => {
      // A blip must not fail the night; a real bug must not be retried into a budget applied twice.
      const { States } = definitionOf(template);
      for (const name of ['Aggregate', 'Plan', 'Orchestrate', 'RecordFailure']) {
        expect(States[name]?.Retry, name).toEqual([
          {
            ErrorEquals: [...transientErrors],
            IntervalSeconds: 2,
            MaxAttempts: 4,
            BackoffRate: 2,
            MaxDelaySeconds: 60,
            JitterStrategy: 'FULL',
          },
        ]);
      }
      expect(transientErrors).toEqual(
        expect.arrayContaining([
          'Lambda.TooManyRequestsException',
          'Lambda.ServiceException',
          'TransientError',
        ]),
      );
    });

    it('catches any error of a step into RecordFailure, then the SNS alert, then a Fail state', () => {
      // On-call learns of a failed night from the alert, and the console shows the execution failed.
      const { States } = definitionOf(template);
      for (const name of ['Aggregate', 'Plan', 'Orchestrate']) {
        expect(States[name]?.Catch, name).toEqual([
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
        ]);
      }
      expect(States.RecordFailure).toMatchObject({
        Type: 'Task',
        Resource: `{{${ids.recordFailure}}}`,
        Next: 'PublishFailureAlert',
      });
      expect(States.PublishFailureAlert).toMatchObject({
        Type: 'Task',
        Resource: 'arn:{{AWS::Partition}}:states:::sns:publish',
        Parameters: {
          TopicArn: `{{${ids.topic}}}`,
          'Message.$': '$.alert.message',
          'Subject.$': '$.alert.subject',
        },
        ResultPath: null,
        Next: 'PipelineFailed',
      });
      expect(States.PipelineFailed).toEqual(
        expect.objectContaining({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' }),
      );
    });

    it('logs every execution to CloudWatch Logs, traces it and times it out', () => {
      // Without logs and a timeout a stuck night is invisible until budgets go stale.
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
        },
        TracingConfiguration: { Enabled: true },
        DefinitionString: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('"TimeoutSeconds":3600')])]),
        }),
      });
    });
  });

  describe('IAM', () => {
    it('lets the state machine invoke only the four pipeline functions and publish only to the alert topic', () => {
      const roleId = template.findResources('AWS::StepFunctions::StateMachine')[ids.stateMachine]?.Properties
        .RoleArn['Fn::GetAtt'][0];
      const statements = statementsOfRole(template, roleId);
      const ownFunctions = [ids.aggregate, ids.plan, ids.orchestrate, ids.recordFailure];
      const invoked = statements
        .filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')))
        .flatMap(resourcesOf)
        .map((resource) => JSON.stringify(resource));
      expect(invoked.length).toBeGreaterThan(0);
      for (const resource of invoked) {
        expect(
          ownFunctions.some((id) => resource.includes(`"Fn::GetAtt":["${id}","Arn"]`)),
          resource,
        ).toBe(true);
      }
      for (const id of ownFunctions) expect(invoked.join()).toContain(id);

      const published = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
      expect(published).toEqual([{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: ids.topic } }]);
    });

    it('scopes every secret read to the named secret, never to "*"', () => {
      // A wildcard here would let every function read every secret in the account.
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
      );
      const secretReads = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
      expect(secretReads.length).toBeGreaterThan(0);
      for (const statement of secretReads) {
        for (const resource of resourcesOf(statement)) {
          expect(resource).not.toBe('*');
          expect(JSON.stringify(resource)).toMatch(
            /:secret:lfi\/(google-ads|supabase-service-role-key)-\?{6}/,
          );
        }
      }
    });

    it('gives the Google Ads credentials only to Aggregate and Orchestrate, the Supabase key to all four', () => {
      // Plan and RecordFailure never talk to Google Ads, so they must not be able to read its refresh token.
      const reads = (functionId: string) =>
        JSON.stringify(
          statementsOfRole(template, roleOf(template, functionId)).filter((s) =>
            actionsOf(s).includes('secretsmanager:GetSecretValue'),
          ),
        );
      for (const id of [ids.aggregate, ids.orchestrate])
        expect(reads(id)).toContain(':secret:lfi/google-ads-');
      for (const id of [ids.plan, ids.recordFailure]) expect(reads(id)).not.toContain('google-ads');
      for (const id of [ids.aggregate, ids.plan, ids.orchestrate, ids.recordFailure]) {
        expect(reads(id)).toContain(':secret:lfi/supabase-service-role-key-');
      }
    });
  });

  describe('functions', () => {
    it('run on nodejs24.x, ARM64, with tracing and their own log group, every one of them', () => {
      // Node 24 is the version the tests run on; a different runtime would ship untested code.
      // Four pipeline functions, the morning check, the HTTP API's three (reads, writes, docs) and the dashboard page.
      const all = Object.keys(template.findResources('AWS::Lambda::Function')).length;
      expect(all).toBe(9);
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        {
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
        },
        all,
      );
    });

    it('passes the secret ids, never secret values, and the Google Ads secret id only where it is readable', () => {
      const environmentOf = (id: string) =>
        template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables;
      for (const id of [ids.aggregate, ids.plan, ids.orchestrate, ids.recordFailure]) {
        expect(environmentOf(id)).toMatchObject({
          SUPABASE_SERVICE_ROLE_SECRET_ID: 'lfi/supabase-service-role-key',
          LFI_ADS_CHANNEL: 'google-ads',
          LFI_TIME_ZONE: 'Europe/Amsterdam',
          POWERTOOLS_SERVICE_NAME: 'lead-flow-intelligence',
          SUPABASE_URL: { Ref: 'SupabaseUrl' },
        });
        expect(environmentOf(id)).not.toHaveProperty('SUPABASE_SERVICE_ROLE_KEY');
      }
      for (const id of [ids.aggregate, ids.orchestrate]) {
        expect(environmentOf(id)).toHaveProperty('GOOGLE_ADS_SECRET_ID', 'lfi/google-ads');
      }
      for (const id of [ids.plan, ids.recordFailure])
        expect(environmentOf(id)).not.toHaveProperty('GOOGLE_ADS_SECRET_ID');
    });
  });

  it('checks at 07:00 Amsterdam time that the night succeeded, with a role that may only invoke the check', () => {
    // A night that never started fails nothing: only a check at a known hour can see it.
    const checkId = stack.logicalIdOf(stack.functions.checkNight.function);
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule')).find((s) =>
      JSON.stringify(s.Properties.Target.Arn).includes(checkId),
    );
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [checkId, 'Arn'] }, Input: '{}' },
    });
    const roleId = schedule?.Properties.Target.RoleArn['Fn::GetAtt'][0];
    expect(statementsOfRole(template, roleId).flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statementsOfRole(template, roleId))).toContain(checkId);
  });

  it('gives the plan step and the morning check the alert topic and the dashboard URL for their links', () => {
    const environmentOf = (id: string) =>
      template.findResources('AWS::Lambda::Function')[id]?.Properties.Environment.Variables;
    for (const id of [ids.plan, stack.logicalIdOf(stack.functions.checkNight.function)]) {
      expect(environmentOf(id)).toMatchObject({ LFI_ALERT_TOPIC_ARN: { Ref: ids.topic } });
      // Without lfi:dashboardUrl, the HTTP API's own URL: it serves the dashboard at `/`.
      expect(JSON.stringify(environmentOf(id).LFI_DASHBOARD_URL)).toMatch(
        /^\{"Fn::Join":\["",\["https:\/\/",\{"Ref":"HttpApi[0-9A-F]+"\},".execute-api."/,
      );
    }
    for (const id of [ids.aggregate, ids.orchestrate, ids.recordFailure])
      expect(environmentOf(id)).not.toHaveProperty('LFI_ALERT_TOPIC_ARN');
  });

  it('alarms on failed budget changes from the ChangesFailed metric the Orchestrate step prints', () => {
    // The EMF documents carry namespace LeadFlowIntelligence and the service dimension (tests/unit/runtime/powertools.test.ts).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'LeadFlowIntelligence',
      MetricName: 'ChangesFailed',
      Dimensions: [{ Name: 'service', Value: 'lead-flow-intelligence' }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  it('alarms when the morning check finds no succeeded night, or does not report for a day', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'LeadFlowIntelligence',
      MetricName: 'NightSucceeded',
      Dimensions: [{ Name: 'service', Value: 'lead-flow-intelligence' }],
      Statistic: 'Minimum',
      Period: 86400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  it('alarms to the alert topic when an execution fails', () => {
    // Covers failures the Catch cannot: an execution timeout, or RecordFailure itself failing.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: ids.stateMachine } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });
});

describe('CDK context settings', () => {
  it('uses context values for the Supabase URL, secret names, ads channel and alert email', () => {
    const { template } = synth({
      'lfi:supabaseUrl': 'https://abc.supabase.co',
      'lfi:adsChannel': 'simulated',
      'lfi:sandbox': 'true',
      'lfi:googleAdsSecretName': 'prod/ads',
      'lfi:alertEmail': 'oncall@example.com',
      'lfi:scheduleEnabled': 'false',
      'lfi:dashboardUrl': 'https://lfi.example.com/',
      'lfi:missingRunHour': '9',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LFI_DASHBOARD_URL: 'https://lfi.example.com/' }) },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      State: 'DISABLED',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SUPABASE_URL: 'https://abc.supabase.co',
          LFI_ADS_CHANNEL: 'simulated',
          LFI_SANDBOX: 'true',
          GOOGLE_ADS_SECRET_ID: 'prod/ads',
        }),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
    expect(template.toJSON().Parameters).not.toHaveProperty('SupabaseUrl');
  });

  it('refuses to deploy the simulated ads channel unless the stack is a sandbox', () => {
    // The simulated market inserts leads and decides their statuses: never against real leads.
    for (const sandbox of [undefined, false, 'false']) {
      expect(() => synth({ 'lfi:adsChannel': 'simulated', 'lfi:sandbox': sandbox })).toThrow(SettingsError);
      expect(() => synth({ 'lfi:adsChannel': 'simulated', 'lfi:sandbox': sandbox })).toThrow(
        /lfi:adsChannel="simulated" deploys the simulated ads market.*set lfi:sandbox=true/,
      );
    }
    expect(() => synth({ 'lfi:adsChannel': 'simulated', 'lfi:sandbox': true })).not.toThrow();
    expect(() => synth({ 'lfi:sandbox': 'maybe' })).toThrow(/lfi:sandbox="maybe"/);
  });

  it('gives no function the sandbox flag unless lfi:sandbox=true, so they refuse the simulated channel', () => {
    // Every function that reads LFI's configuration (the dashboard page's does not).
    const functionEnvironments = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function'))
        .map((fn) => fn.Properties.Environment.Variables as Record<string, unknown>)
        .filter((variables) => 'LFI_ADS_CHANNEL' in variables);
    // As AWS Lambda would load a function's configuration, with a simulated channel forced on it.
    const loadInLambda = (variables: Record<string, unknown>) =>
      loadConfig({
        ...Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string')),
        LFI_ADS_CHANNEL: 'simulated',
        AWS_LAMBDA_FUNCTION_NAME: 'lfi-aggregate',
      } as Record<string, string>);

    const production = functionEnvironments(synth().template);
    const sandbox = functionEnvironments(
      synth({ 'lfi:adsChannel': 'simulated', 'lfi:sandbox': 'true' }).template,
    );

    expect(production.length).toBeGreaterThan(0);
    for (const variables of production) {
      expect(variables).not.toHaveProperty('LFI_SANDBOX');
      expect(() => loadInLambda(variables)).toThrow(/LFI_ADS_CHANNEL=simulated is refused in AWS Lambda/);
    }
    for (const variables of sandbox) {
      expect(variables).toHaveProperty('LFI_SANDBOX', 'true');
      expect(loadInLambda(variables)).toMatchObject({ LFI_ADS_CHANNEL: 'simulated', LFI_SANDBOX: true });
    }
  });

  it('rejects a bad context value with an error naming its key', () => {
    expect(() => synth({ 'lfi:adsChannel': 'bing-ads' })).toThrow(/lfi:adsChannel="bing-ads"/);
    expect(() => synth({ 'lfi:supabaseUrl': 'http://insecure.example' })).toThrow(/lfi:supabaseUrl/);
    expect(() => synth({ 'lfi:timeZone': 'Mars/Olympus' })).toThrow(/lfi:timeZone.*IANA time zone/);
    expect(() => synth({ 'lfi:readerRoles': ' , ' })).toThrow(/lfi:readerRoles/);
    expect(() => synth({ 'lfi:missingRunHour': '1' })).toThrow(
      /lfi:missingRunHour="1" must be a whole hour from 2 to 23/,
    );
    expect(() => synth({ 'lfi:dashboardUrl': 'http://lfi.example.com' })).toThrow(/lfi:dashboardUrl/);
    expect(() => synth({ 'lfi:adminClaim': 'app_metadata.role' })).toThrow(
      /lfi:adminClaim is now lfi:roleClaim/,
    );
  });

  it('passes who may read and who may write to the API Lambdas', () => {
    const { template } = synth({
      'lfi:roleClaim': 'app_metadata.lfi_role',
      'lfi:readerRoles': 'growth,finance',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LFI_API_ROLE_CLAIM: 'app_metadata.lfi_role',
          LFI_API_READER_ROLES: 'growth,finance',
          LFI_API_ADMIN_ROLE: 'admin',
        }),
      },
    });
  });
});
