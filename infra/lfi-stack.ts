import { type CfnElement, CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { Alerts } from './alerts.construct.ts';
import { LfiHttpApi } from './http-api.construct.ts';
import { LfiFunction } from './lfi-function.construct.ts';
import { MissingRunCheck } from './missing-run-check.construct.ts';
import { NightlyPipeline } from './nightly-pipeline.construct.ts';
import { NightlySchedule } from './nightly-schedule.construct.ts';
import type { LfiSettings } from './settings.ts';

export interface LeadFlowIntelligenceStackProps extends StackProps {
  readonly settings: LfiSettings;
}

/**
 * Lead Flow Intelligence on AWS: the nightly pipeline, its schedule and its alerts, and the HTTP
 * API with the dashboard page. Secrets are referenced by name, never created here, so their
 * values stay out of code and templates.
 */
export class LeadFlowIntelligenceStack extends Stack {
  readonly lambdaEnvironment: Readonly<Record<string, string>>;
  readonly supabaseServiceRoleSecret: ISecret;
  readonly googleAdsSecret: ISecret;
  readonly alerts: Alerts;
  readonly pipeline: NightlyPipeline;
  readonly httpApi: LfiHttpApi;
  readonly missingRunCheck: MissingRunCheck;
  readonly functions: Readonly<
    Record<'aggregate' | 'plan' | 'orchestrate' | 'recordFailure' | 'checkNight', LfiFunction>
  >;

  constructor(scope: Construct, id: string, props: LeadFlowIntelligenceStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.supabaseServiceRoleSecret = Secret.fromSecretNameV2(
      this,
      'SupabaseServiceRoleKey',
      settings.supabaseServiceRoleSecretName,
    );
    this.googleAdsSecret = Secret.fromSecretNameV2(
      this,
      'GoogleAdsCredentials',
      settings.googleAdsSecretName,
    );
    const supabaseUrl = settings.supabaseUrl ?? this.supabaseUrlParameter().valueAsString;
    const commonEnvironment = {
      LFI_TIME_ZONE: settings.timeZone,
      POWERTOOLS_SERVICE_NAME: 'lead-flow-intelligence',
    };
    const databaseEnvironment = {
      SUPABASE_URL: supabaseUrl,
      SUPABASE_SERVICE_ROLE_SECRET_ID: settings.supabaseServiceRoleSecretName,
      LFI_ADS_CHANNEL: settings.adsChannel,
      // The runtime refuses the simulated channel in Lambda without it (settings allow it only then).
      ...(settings.sandbox ? { LFI_SANDBOX: 'true' } : {}),
    };
    this.lambdaEnvironment = { ...databaseEnvironment, ...commonEnvironment };
    const adsEnvironment = { ...this.lambdaEnvironment, GOOGLE_ADS_SECRET_ID: settings.googleAdsSecretName };
    const stepTimeout = Duration.minutes(5);

    this.functions = {
      aggregate: new LfiFunction(this, 'Aggregate', {
        entry: 'lambdas/aggregate/handler.ts',
        description:
          'Nightly step 1: aggregates leads, acceptance, revenue and ad spend per segment per day.',
        environment: adsEnvironment,
        timeout: stepTimeout,
      }),
      plan: new LfiFunction(this, 'Plan', {
        entry: 'lambdas/plan/handler.ts',
        description:
          'Nightly step 2: plans target leads per segment from partner capacity and computes the gap.',
        environment: this.lambdaEnvironment,
        timeout: stepTimeout,
      }),
      orchestrate: new LfiFunction(this, 'Orchestrate', {
        entry: 'lambdas/orchestrate/handler.ts',
        description:
          'Nightly step 3: steers each segment’s Google Ads daily budget within the safety limits.',
        environment: adsEnvironment,
        timeout: stepTimeout,
      }),
      recordFailure: new LfiFunction(this, 'RecordFailure', {
        entry: 'lambdas/record-failure/handler.ts',
        description: 'Records a failed nightly run and words the alert.',
        environment: this.lambdaEnvironment,
      }),
      checkNight: new LfiFunction(this, 'CheckNight', {
        entry: 'lambdas/check-night/handler.ts',
        description: 'Each morning: alerts when the night of yesterday has not succeeded.',
        environment: this.lambdaEnvironment,
      }),
    };
    // Least privilege: only the steps that talk to Google Ads can read its credentials.
    for (const { function: fn } of Object.values(this.functions))
      this.supabaseServiceRoleSecret.grantRead(fn);
    this.googleAdsSecret.grantRead(this.functions.aggregate.function);
    this.googleAdsSecret.grantRead(this.functions.orchestrate.function);

    this.alerts = new Alerts(this, 'Alerts', { email: settings.alertEmail });
    this.pipeline = new NightlyPipeline(this, 'NightlyPipeline', {
      aggregate: this.functions.aggregate.function,
      plan: this.functions.plan.function,
      orchestrate: this.functions.orchestrate.function,
      recordFailure: this.functions.recordFailure.function,
      alertTopic: this.alerts.topic,
    });
    this.alerts.alarmOnFailedExecutions(this.pipeline.stateMachine);
    this.alerts.alarmOnFailedChanges(commonEnvironment.POWERTOOLS_SERVICE_NAME);
    this.alerts.alarmOnMissingNight(commonEnvironment.POWERTOOLS_SERVICE_NAME);
    new NightlySchedule(this, 'NightlySchedule', {
      stateMachine: this.pipeline.stateMachine,
      timeZone: settings.timeZone,
      enabled: settings.scheduleEnabled,
    });
    this.missingRunCheck = new MissingRunCheck(this, 'MissingRunCheck', {
      check: this.functions.checkNight.function,
      hour: settings.missingRunHour,
      timeZone: settings.timeZone,
      enabled: settings.scheduleEnabled,
    });
    this.httpApi = new LfiHttpApi(this, 'HttpApi', {
      jwtIssuer: settings.apiJwtIssuer ?? `${supabaseUrl}/auth/v1`,
      jwtAudience: [settings.apiJwtAudience],
      allowedOrigins: settings.dashboardOrigins,
      environment: commonEnvironment,
      databaseEnvironment,
      databaseSecret: this.supabaseServiceRoleSecret,
      supabaseUrl,
      roleClaim: settings.roleClaim,
      readerRoles: settings.readerRoles,
      supabaseAnonKey:
        settings.supabaseAnonKey ??
        new CfnParameter(this, 'SupabaseAnonKey', {
          type: 'String',
          noEcho: true,
          description: 'The platform Supabase project anon key, with which the dashboard signs admins in.',
        }).valueAsString,
    });
    // The admin writes start the nightly run now ("run yesterday now") and restore a night, which
    // sends budgets to Google Ads: the state machine's StartExecution and the ads credentials.
    const writes = this.httpApi.functions.writes.function;
    writes.addEnvironment('LFI_STATE_MACHINE_ARN', this.pipeline.stateMachine.stateMachineArn);
    writes.addEnvironment('GOOGLE_ADS_SECRET_ID', settings.googleAdsSecretName);
    this.pipeline.stateMachine.grantStartExecution(writes);
    this.googleAdsSecret.grantRead(writes);

    // The steps that alert themselves (gap alerts, the morning check) publish to the topic, linking
    // to the dashboard.
    const dashboardUrl = settings.dashboardUrl ?? this.httpApi.stage.url;
    for (const { function: fn } of [this.functions.plan, this.functions.checkNight]) {
      this.alerts.topic.grantPublish(fn);
      fn.addEnvironment('LFI_ALERT_TOPIC_ARN', this.alerts.topic.topicArn);
      fn.addEnvironment('LFI_DASHBOARD_URL', dashboardUrl);
    }
  }

  /** The CloudFormation logical id of an L2 construct's resource, e.g. to find it in the template. */
  logicalIdOf(construct: IConstruct): string {
    return this.getLogicalId(construct.node.defaultChild as CfnElement);
  }

  /** Without the lfi:supabaseUrl context value, the URL is asked for at deploy time instead. */
  private supabaseUrlParameter(): CfnParameter {
    return new CfnParameter(this, 'SupabaseUrl', {
      type: 'String',
      description:
        'The Supabase project URL (https://<ref>.supabase.co); or set the lfi:supabaseUrl context value.',
      allowedPattern: '^https://\\S+$',
      constraintDescription: 'must be an https URL',
    });
  }
}
