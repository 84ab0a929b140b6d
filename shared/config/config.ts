import { z } from 'zod';
import { isTimeZone } from '../domain/business-day.ts';

/**
 * Every environment variable LFI reads, parsed once at start. A malformed value fails with a
 * sentence naming the variable; nothing silently falls back to an empty string.
 * README.md's configuration table lists the same variables: keep the two together.
 */
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const configSchema = z.object({
  LFI_DATA_DIR: z.string().trim().min(1).default('.lfi'),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  SUPABASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  SUPABASE_SERVICE_ROLE_KEY: optionalText,
  LFI_ADS_CHANNEL: z.enum(['simulated', 'google-ads']).default('simulated'),
  // A sandbox deployment: the only place in AWS where the simulated market (which writes leads) may run.
  LFI_SANDBOX: optionalText.pipe(z.enum(['true', 'false']).optional()).transform((value) => value === 'true'),
  // Set by AWS Lambda itself: tells the code runs there.
  AWS_LAMBDA_FUNCTION_NAME: optionalText,
  // Google Ads (LFI_ADS_CHANNEL=google-ads): the credentials' secret in AWS, or the GOOGLE_ADS_*
  // variables locally (shared/runtime/credentials.ts checks them when the channel is chosen).
  GOOGLE_ADS_SECRET_ID: optionalText,
  GOOGLE_ADS_DEVELOPER_TOKEN: optionalText,
  GOOGLE_ADS_CLIENT_ID: optionalText,
  GOOGLE_ADS_CLIENT_SECRET: optionalText,
  GOOGLE_ADS_REFRESH_TOKEN: optionalText,
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: optionalText,
  LFI_SIM_SEED: z.coerce.number().int().nonnegative().default(42),
  /** Failure drills: campaign ids (comma-separated) whose budget changes the simulated market rejects. */
  LFI_SIM_FAIL_CAMPAIGNS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\d+$/, 'must be campaign ids (digits), comma-separated'))),
  LFI_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // How long a run waits for another run of the same date to finish before it refuses.
  LFI_RUN_LEASE_WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  // Where alerts go in AWS (the stack sets it); absent: alerts are log lines.
  LFI_ALERT_TOPIC_ARN: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, { message: 'must be an SNS topic ARN' })
      .optional(),
  ),
  // The dashboard's address, for the links in alerts (a segment is `<url>#/segment/<id>`).
  LFI_DASHBOARD_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).default('http://localhost:8787/')),
  LFI_TIME_ZONE: z
    .string()
    .default('Europe/Amsterdam')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Amsterdam' }),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}.`);
  }
  const config = parsed.data;
  if (config.SUPABASE_URL && !config.SUPABASE_SERVICE_ROLE_KEY) {
    throw new ConfigError('SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not: set both, or neither.');
  }
  if (config.AWS_LAMBDA_FUNCTION_NAME && config.LFI_ADS_CHANNEL === 'simulated' && !config.LFI_SANDBOX) {
    throw new ConfigError(
      'LFI_ADS_CHANNEL=simulated is refused in AWS Lambda unless LFI_SANDBOX=true: the simulated market writes leads into the database, so it runs only in a sandbox (set LFI_ADS_CHANNEL=google-ads otherwise).',
    );
  }
  return config;
}
