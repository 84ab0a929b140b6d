import { CfnOutput, Duration } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import { defaultApiSettings } from '../shared/api/api-settings.ts';
import { corsAllowedHeaders } from '../shared/api/http-edge.middleware.ts';
import {
  type ApiHandlerName,
  apiHandlerNames,
  dataHandlerNames,
  handlerForPath,
  pathMethods,
  routeList,
} from '../shared/api/routes.ts';
import { dashboardRoutes } from '../shared/dashboard/dashboard-assets.ts';
import { LfiFunction } from './lfi-function.construct.ts';

export interface LfiHttpApiProps {
  /** The platform's Supabase Auth issuer, e.g. `https://<project>.supabase.co/auth/v1`. */
  readonly jwtIssuer: string;
  /** Supabase's access tokens carry `aud: authenticated`. */
  readonly jwtAudience: readonly string[];
  /** The dashboard's origins, for CORS. */
  readonly allowedOrigins: readonly string[];
  /** What every API Lambda needs: the time zone, the service name; nothing that reaches the database. */
  readonly environment: Readonly<Record<string, string>>;
  /** What the data handlers (reads, writes) add to reach the database: its URL and its key's secret id. */
  readonly databaseEnvironment: Readonly<Record<string, string>>;
  /** The Supabase service-role key's secret, read by the data handlers at cold start. */
  readonly databaseSecret?: ISecret;
  /** The platform's Supabase URL, with which the dashboard page signs admins in (public, like the anon key). */
  readonly supabaseUrl: string;
  /**
   * Where the role sits in the token's claims (default `app_metadata.role`), the role that may
   * write (default `admin`) and the roles that may read (default admin and growth).
   */
  readonly roleClaim?: string;
  readonly adminRole?: string;
  readonly readerRoles?: readonly string[];
  /** Supabase's anon key (public by design), with which the dashboard page signs the admin in. */
  readonly supabaseAnonKey: string;
}

/**
 * The HTTP API (API Gateway v2) built from the route table in shared/api/routes.ts, the same
 * table the local server serves: one Lambda per handler name, every route behind Supabase Auth's
 * JWT (except the OpenAPI document), an `ANY` route per path that answers 405, and `$default`
 * answering 404, so unknown requests get the API's own error shape too.
 */
export class LfiHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Readonly<Record<ApiHandlerName, LfiFunction>>;
  readonly dashboard: LfiFunction;
  /** The routes without the JWT authorizer: 404, 405, the OpenAPI document and the dashboard page. */
  readonly openRoutes: readonly IConstruct[];

  constructor(scope: Construct, id: string, props: LfiHttpApiProps) {
    super(scope, id);
    const apiEnvironment = {
      ...props.environment,
      LFI_API_ALLOWED_ORIGINS: props.allowedOrigins.join(','),
      LFI_API_ROLE_CLAIM: props.roleClaim ?? defaultApiSettings.roleClaim,
      LFI_API_ADMIN_ROLE: props.adminRole ?? defaultApiSettings.adminRole,
      LFI_API_READER_ROLES: (props.readerRoles ?? defaultApiSettings.readerRoles).join(','),
      LFI_API_HSTS: 'true',
    };
    const descriptions: Record<ApiHandlerName, string> = {
      reads: 'HTTP API reads: segments, stats, plans, decisions, overrides, orchestration status.',
      writes: 'HTTP API admin writes: segments, target overrides, pause and resume, the kill switch.',
      docs: 'HTTP API: the OpenAPI document, and 404 for unknown paths.',
    };
    const functions = {} as Record<ApiHandlerName, LfiFunction>;
    const integrations = {} as Record<ApiHandlerName, HttpLambdaIntegration>;
    for (const name of apiHandlerNames) {
      // Least privilege: only the handlers that serve data can reach the database.
      const usesData = dataHandlerNames.includes(name);
      const fn = new LfiFunction(this, `${pascal(name)}Function`, {
        entry: `lambdas/api/${name}.ts`,
        description: descriptions[name],
        environment: usesData ? { ...apiEnvironment, ...props.databaseEnvironment } : apiEnvironment,
        // API Gateway gives up after 30 s; a read that takes 10 s is already broken.
        timeout: Duration.seconds(10),
      });
      if (usesData) props.databaseSecret?.grantRead(fn.function);
      functions[name] = fn;
      integrations[name] = new HttpLambdaIntegration(`${pascal(name)}Integration`, fn.function);
    }
    this.functions = functions;

    this.api = new HttpApi(this, 'Api', {
      description: 'Lead Flow Intelligence HTTP API (routes from shared/api/routes.ts).',
      createDefaultStage: false,
      defaultIntegration: integrations.docs,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: corsAllowedHeaders,
        maxAge: Duration.minutes(10),
      },
    });
    const authorizer = new HttpJwtAuthorizer('SupabaseAuth', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
    });
    const openRoutes: IConstruct[] = [this.api.node.findChild('DefaultRoute')];
    for (const route of routeList) {
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.handler],
        authorizer: route.auth === 'public' ? new HttpNoneAuthorizer() : authorizer,
      });
      if (route.auth === 'public') openRoutes.push(...added);
    }
    // A known path with a method it does not serve: the handler answers 405 with Allow. No token
    // is needed to learn which methods a path takes; the OpenAPI document says as much.
    for (const path of pathMethods.keys()) {
      openRoutes.push(
        ...this.api.addRoutes({
          path,
          methods: [HttpMethod.ANY],
          integration: integrations[handlerForPath(path)],
        }),
      );
    }

    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS }),
        ),
      },
    });
    this.dashboard = new LfiFunction(this, 'DashboardFunction', {
      entry: 'lambdas/dashboard/handler.ts',
      description: 'The Growth Engine dashboard page and its assets (no data: the page calls the API).',
      environment: {
        SUPABASE_URL: props.supabaseUrl,
        SUPABASE_ANON_KEY: props.supabaseAnonKey,
      },
      timeout: Duration.seconds(10),
      // The page is built by esbuild into the bundle's folder, so the Lambda serves the same bytes as lfi serve.
      afterBundling: (inputDir, outputDir) => [
        `node "${inputDir}/dashboard/build.ts" "${outputDir}/dashboard"`,
      ],
    });
    const page = new HttpLambdaIntegration('DashboardIntegration', this.dashboard.function);
    for (const path of dashboardRoutes) {
      openRoutes.push(
        ...this.api.addRoutes({
          path,
          methods: [HttpMethod.GET],
          integration: page,
          authorizer: new HttpNoneAuthorizer(),
        }),
      );
    }
    this.openRoutes = openRoutes;

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the LFI HTTP API.' });
  }
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
