import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import {
  type DashboardFiles,
  dashboardResponse,
  readDashboardFiles,
} from '../../shared/dashboard/dashboard-assets.ts';

// The page's files sit beside this handler (CDK's bundling builds them into ./dashboard); the
// Supabase URL and anon key (public by design) let the page sign the admin in.
const env = z
  .object({
    SUPABASE_URL: z.url(),
    SUPABASE_ANON_KEY: z.string().min(1),
  })
  .parse(process.env);
let files: Promise<DashboardFiles> | undefined;

/** Serves the Growth Engine page at `/`, its assets, and its sign-in config. No data: the page calls the API. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  files ??= readDashboardFiles(new URL('./dashboard/', import.meta.url).pathname);
  return dashboardResponse(
    await files,
    event.rawPath,
    { mode: 'supabase', supabaseUrl: env.SUPABASE_URL, supabaseAnonKey: env.SUPABASE_ANON_KEY },
    { hsts: true },
  );
}
