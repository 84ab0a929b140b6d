import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../runtime/errors.ts';
import type { Logger } from '../runtime/logger.ts';
import { MethodNotAllowedError } from './api.errors.ts';
import type { ApiSettings } from './api-settings.ts';

/**
 * The one place where the API's responses get their headers and its errors become responses.
 * An AppError a client may see keeps its code, message and details; anything else is logged and
 * answered with a generic 500, so no SQL, stack trace or secret reaches a client.
 */

/** For the JSON API: nothing may load from a response, nothing may frame it. */
export const apiContentSecurityPolicy =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * For the dashboard page at `/` (shared/dashboard): its own scripts and styles, and calls to the
 * API and the given origins (Supabase Auth in AWS) only.
 */
export const dashboardContentSecurityPolicy = (connectOrigins: readonly string[]) =>
  `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${["'self'", ...connectOrigins].join(' ')}; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;

/** What every response carries, API or dashboard: no sniffing, framing or referrer; HSTS in AWS. */
export function securityHeaders(contentSecurityPolicy: string, hsts: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': contentSecurityPolicy,
    ...(hsts ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

export const corsAllowedHeaders = ['authorization', 'content-type'];

export function responseHeaders(settings: ApiSettings, origin: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...securityHeaders(apiContentSecurityPolicy, settings.hsts),
    vary: 'Origin',
  };
  if (origin && settings.allowedOrigins.includes(origin)) headers['access-control-allow-origin'] = origin;
  return headers;
}

export function errorResponse(
  error: unknown,
  settings: ApiSettings,
  origin: string | undefined,
  logger: Logger,
): APIGatewayProxyStructuredResultV2 {
  const headers = responseHeaders(settings, origin);
  if (error instanceof AppError && error.expose) {
    if (error instanceof MethodNotAllowedError) headers.allow = error.allow.join(', ');
    if (error.status === 401) headers['www-authenticate'] = 'Bearer';
    const details = error.details === undefined ? {} : { details: error.details };
    return {
      statusCode: error.status,
      headers,
      body: JSON.stringify({ error: { code: error.code, message: error.message, ...details } }),
    };
  }
  logger.error('API request failed', { error, stack: error instanceof Error ? error.stack : undefined });
  return {
    statusCode: 500,
    headers,
    body: JSON.stringify({
      error: { code: 'internal', message: 'Something went wrong on our side; try again later.' },
    }),
  };
}

export function httpEdge(
  settings: ApiSettings,
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'httpEdge',
    after(request) {
      const response = request.response;
      if (!response) return;
      response.headers = { ...responseHeaders(settings, request.event.headers?.origin), ...response.headers };
    },
    onError(request) {
      request.response = errorResponse(request.error, settings, request.event.headers?.origin, logger);
    },
  };
}
