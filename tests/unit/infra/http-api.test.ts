import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LfiHttpApi } from '../../../infra/http-api.construct.ts';
import { pathMethods, routeKey, routeList } from '../../../shared/api/routes.ts';

const dashboardRoutes = ['GET /', 'GET /config.json', 'GET /assets/{file+}'];

describe('LfiHttpApi', () => {
  let template: Template;

  beforeAll(() => {
    // Bundling is skipped: these assertions are about the API's shape, not the Lambda code.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test');
    new LfiHttpApi(stack, 'HttpApi', {
      jwtIssuer: 'https://example.supabase.co/auth/v1',
      jwtAudience: ['authenticated'],
      allowedOrigins: ['https://dashboard.example.com'],
      environment: { LFI_TIME_ZONE: 'Europe/Amsterdam' },
      databaseEnvironment: { SUPABASE_URL: 'https://example.supabase.co' },
      supabaseUrl: 'https://example.supabase.co',
      supabaseAnonKey: 'anon-key',
    });
    template = Template.fromStack(stack);
  }, 120_000); // synthesis takes seconds, more on a busy machine

  it('trusts Supabase Auth with a JWT authorizer on the configured issuer and audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://example.supabase.co/auth/v1', Audience: ['authenticated'] },
    });
  });

  it('creates every route of the route table, behind the JWT authorizer unless it is public', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = new Map(
      Object.values(routes).map((resource) => [resource.Properties.RouteKey as string, resource.Properties]),
    );
    for (const route of routeList) {
      const properties = byKey.get(routeKey(route));
      expect(properties, `route ${routeKey(route)}`).toBeDefined();
      // Reads and writes must never be reachable without a verified token.
      expect(properties?.AuthorizationType, routeKey(route)).toBe(route.auth === 'public' ? 'NONE' : 'JWT');
    }
  });

  it('answers wrong methods and unknown paths through the handlers (405 and 404 in the API error shape)', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (resource) => resource.Properties.RouteKey,
    );
    for (const path of pathMethods.keys()) expect(keys).toContain(`ANY ${path}`);
    expect(keys).toContain('$default');
    expect(keys).toHaveLength(routeList.length + pathMethods.size + 1 + dashboardRoutes.length);
  });

  it("serves the dashboard page without a token: it holds no data and calls the API with the user's token", () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) =>
      dashboardRoutes.includes(r.Properties.RouteKey),
    );
    expect(routes).toHaveLength(dashboardRoutes.length);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('NONE');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('dashboard'),
      Environment: {
        Variables: { SUPABASE_URL: 'https://example.supabase.co', SUPABASE_ANON_KEY: 'anon-key' },
      },
    });
  });

  it('serves one Lambda per handler name on Node 24 with the API settings: who reads, who writes, HSTS on', () => {
    for (const name of ['reads', 'writes', 'docs']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Description: Match.stringLikeRegexp(name === 'docs' ? 'OpenAPI' : name),
        Environment: {
          Variables: Match.objectLike({
            ...(name === 'docs' ? {} : { SUPABASE_URL: 'https://example.supabase.co' }),
            LFI_API_ALLOWED_ORIGINS: 'https://dashboard.example.com',
            LFI_API_ROLE_CLAIM: 'app_metadata.role',
            LFI_API_ADMIN_ROLE: 'admin',
            LFI_API_READER_ROLES: 'admin,growth',
            LFI_API_HSTS: 'true',
          }),
        },
      });
    }
    // Three API handlers and the dashboard page.
    template.resourceCountIs('AWS::Lambda::Function', 4);
  });

  it("allows only the dashboard's origin in CORS", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://dashboard.example.com'] }),
    });
  });

  it('throttles and access-logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});
