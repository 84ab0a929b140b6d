import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/api/docs.ts';
import { localLambdaContext } from '../../../shared/runtime/local-lambda-context.ts';

// The docs Lambda gets no database URL and no secret in AWS: it must answer without either.
const event = (method: string, path: string, routeKey: string) =>
  ({
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method, path }, routeKey, requestId: 'test' },
  }) as unknown as APIGatewayProxyEventV2;

describe('the docs Lambda, which has no database', () => {
  const context = localLambdaContext('lfi-api-docs', 10_000, 512);

  it('serves the OpenAPI document', async () => {
    const response = await handler(event('GET', '/api/openapi.json', 'GET /api/openapi.json'), context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ openapi: '3.1.0' });
  });

  it('answers an unknown path with 404 and a wrong method on its path with 405', async () => {
    expect((await handler(event('GET', '/api/nothing', '$default'), context)).statusCode).toBe(404);
    const wrong = await handler(event('DELETE', '/api/openapi.json', 'ANY /api/openapi.json'), context);
    expect(wrong.statusCode).toBe(405);
  });
});
