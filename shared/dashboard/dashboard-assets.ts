import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dashboardContentSecurityPolicy, securityHeaders } from '../api/http-edge.middleware.ts';

export interface DashboardFile {
  readonly contentType: string;
  readonly body: Uint8Array;
}

export type DashboardFiles = ReadonlyMap<string, DashboardFile>;

/** What the page needs to sign in: the development token locally, Supabase Auth in AWS. */
export type DashboardConfig =
  | { readonly mode: 'local'; readonly token: string }
  | { readonly mode: 'supabase'; readonly supabaseUrl: string; readonly supabaseAnonKey: string };

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  return contentTypes[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/**
 * The built page, read from a folder (the Lambda's, where CDK's bundling put it). `lfi serve`
 * builds it in-process instead (dashboard/build.ts), so Lambdas never carry esbuild.
 */
export async function readDashboardFiles(dir: string): Promise<DashboardFiles> {
  const files = new Map<string, DashboardFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const name = relative(dir, path);
    files.set(name, { contentType: contentTypeOf(name), body: await readFile(path) });
  }
  return files;
}

/** The dashboard's routes, in API Gateway's syntax: CDK adds these, the local server matches them. */
export const dashboardRoutes = ['/', '/config.json', '/assets/{file+}'] as const;

/** Whether a request path is the dashboard's rather than the API's. */
export function isDashboardPath(path: string): boolean {
  return dashboardRoutes.some((route) =>
    route.endsWith('{file+}') ? path.startsWith(route.slice(0, -'{file+}'.length)) : path === route,
  );
}

/**
 * The response for a dashboard path: the page, its assets, or its config document; 404 for an
 * unknown asset. The page's CSP allows its own scripts and the API (and Supabase Auth in AWS).
 */
export function dashboardResponse(
  files: DashboardFiles,
  path: string,
  config: DashboardConfig,
  options: { hsts?: boolean } = {},
): APIGatewayProxyStructuredResultV2 {
  const connect = config.mode === 'supabase' ? [new URL(config.supabaseUrl).origin] : [];
  const headers = securityHeaders(dashboardContentSecurityPolicy(connect), options.hsts ?? false);
  if (path === '/config.json') {
    return {
      statusCode: 200,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify(config),
    };
  }
  const file = files.get(path === '/' ? 'index.html' : path.slice(1));
  if (!file) {
    return {
      statusCode: 404,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: { code: 'not_found', message: `No such file: ${path}.` } }),
    };
  }
  return {
    statusCode: 200,
    headers: { ...headers, 'content-type': file.contentType, 'cache-control': 'no-cache' },
    body: Buffer.from(file.body).toString('base64'),
    isBase64Encoded: true,
  };
}
