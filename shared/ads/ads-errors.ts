import { errors } from 'google-ads-api';
import { AppError, TransientError } from '../runtime/errors.ts';
import type { Logger } from '../runtime/logger.ts';

/**
 * What went wrong talking to an ads API, and what to do about it. Every message here is built
 * from error codes and setting names, never from a request, so no credential can end up in one.
 */
type AdsFailureKind =
  /** Rate limits and Google's transient faults: retry with backoff. */
  | 'retryable'
  /** DNS, refused or reset connections, timeouts: retry a few times quickly. */
  | 'network'
  /** The daily operations quota: retrying tonight cannot help. */
  | 'quota'
  /** A credential or an account setting is wrong: fail at once, naming it. */
  | 'credentials'
  /** Anything else (a bad request): not retried. */
  | 'request';

export interface AdsFailure {
  readonly kind: AdsFailureKind;
  readonly message: string;
  /** The delay Google asked for (QuotaErrorDetails.retry_delay), if any. */
  readonly retryDelayMs?: number;
  /** Google's decoded errors, for the log. */
  readonly errors?: readonly { readonly code: string; readonly message: string }[];
  readonly requestId?: string;
}

/** A credential or setting is wrong; the message names the setting, never its value. */
export class AdsCredentialsError extends AppError {
  constructor(message: string) {
    super(message, { code: 'ads_credentials', status: 500, expose: false });
  }
}

/** The Google Ads daily operations quota is spent: not retried (only tomorrow's quota helps). */
export class AdsQuotaError extends AppError {
  constructor(message: string) {
    super(message, { code: 'ads_quota_exhausted', status: 503, expose: false });
  }
}

/**
 * The ads API stayed unreachable or busy through every retry of `withAdsRetries`: that is the ads
 * call's one retry layer, so Step Functions does not retry this (it retries `TransientError`).
 */
export class AdsUnavailableError extends AppError {
  constructor(message: string) {
    super(message, { code: 'ads_unavailable', status: 503, expose: false });
  }
}

/** Google rejected the request itself. */
export class AdsRequestError extends AppError {
  constructor(message: string) {
    super(message, { code: 'ads_request_failed', status: 502, expose: false });
  }
}

// Google Ads error codes as google-ads-api ships them (google.ads.googleads.v24.errors): they arrive
// as numbers over gRPC and as names over REST, and are written `kind.NAME` here and in the log.
const errorEnums: Record<string, Record<number, string>> = {
  quota_error: errors.QuotaErrorEnum.QuotaError,
  internal_error: errors.InternalErrorEnum.InternalError,
  authorization_error: errors.AuthorizationErrorEnum.AuthorizationError,
  authentication_error: errors.AuthenticationErrorEnum.AuthenticationError,
};
/** An error code LFI acts on; the compiler checks each name against the library's enum. */
type ActedOnCode =
  | `quota_error.${keyof typeof errors.QuotaErrorEnum.QuotaError}`
  | `internal_error.${keyof typeof errors.InternalErrorEnum.InternalError}`
  | `authorization_error.${keyof typeof errors.AuthorizationErrorEnum.AuthorizationError}`
  | `authentication_error.${keyof typeof errors.AuthenticationErrorEnum.AuthenticationError}`;

const retryableCodes = new Set<string>([
  'quota_error.RESOURCE_TEMPORARILY_EXHAUSTED',
  'quota_error.EXCESSIVE_SHORT_TERM_QUERY_RESOURCE_CONSUMPTION',
  'internal_error.INTERNAL_ERROR',
  'internal_error.TRANSIENT_ERROR',
  'internal_error.DEADLINE_EXCEEDED',
] satisfies ActedOnCode[]);
const networkCodes = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'ERR_ADS_TIMEOUT',
]);
const networkMeaning: Record<string, string> = {
  ENOTFOUND: 'DNS lookup failed: no network, or the name does not resolve',
  EAI_AGAIN: 'DNS lookup timed out',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ERR_ADS_TIMEOUT: 'no answer in time',
};
// gRPC status codes: UNAVAILABLE and DEADLINE_EXCEEDED are the network's; RESOURCE_EXHAUSTED a rate limit.
const grpc = {
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
};

/** Which setting an authentication or authorization error points at. */
function credentialsProblem(code: string): string | undefined {
  switch (code as ActedOnCode) {
    case 'authorization_error.DEVELOPER_TOKEN_NOT_APPROVED':
    case 'authorization_error.DEVELOPER_TOKEN_PROHIBITED':
    case 'authorization_error.DEVELOPER_TOKEN_NOT_ON_ALLOWLIST':
    case 'authentication_error.DEVELOPER_TOKEN_INVALID':
      return 'developer_token is not valid or not approved for this account (apply for Basic access in the API Center)';
    case 'authorization_error.INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION':
      return 'login_customer_id is not a manager of the campaign’s ads account (customer_id in lead_segment_campaigns)';
    case 'authorization_error.USER_PERMISSION_DENIED':
      return 'refresh_token belongs to a Google user without access to the ads account; or login_customer_id is missing or wrong';
    case 'authentication_error.CLIENT_CUSTOMER_ID_INVALID':
    case 'authentication_error.CUSTOMER_NOT_FOUND':
      return 'customer_id of a mapped campaign (lead_segment_campaigns) is not an ads account this login can reach';
    case 'authentication_error.OAUTH_TOKEN_INVALID':
    case 'authentication_error.OAUTH_TOKEN_EXPIRED':
    case 'authentication_error.OAUTH_TOKEN_DISABLED':
    case 'authentication_error.OAUTH_TOKEN_REVOKED':
      return 'refresh_token is expired or revoked: create a new one for client_id';
  }
  if (code.startsWith('authentication_error.'))
    return 'refresh_token, client_id or client_secret was rejected';
  if (code.startsWith('authorization_error.'))
    return 'the Google user of refresh_token may not do this in the ads account (or login_customer_id is wrong)';
  return undefined;
}

/** Names a host so the message says which Google service could not be reached. */
function serviceName(host: string | undefined): string {
  if (host?.startsWith('oauth2.') || host?.startsWith('accounts.google')) return `Google OAuth (${host})`;
  return `Google Ads API (${host ?? 'googleads.googleapis.com'})`;
}

/** Classifies anything google-ads-api, google-gax or google-auth-library throws. */
export function classifyAdsError(error: unknown): AdsFailure {
  const failure = googleAdsFailureOf(error);
  if (failure) return classifyGoogleAdsFailure(failure);

  const oauth = oauthErrorOf(error);
  if (oauth === 'invalid_grant')
    return {
      kind: 'credentials',
      message:
        'Google OAuth rejected refresh_token (invalid_grant): it is expired, revoked, or was not issued to client_id. Create a new refresh token.',
    };
  if (oauth === 'invalid_client' || oauth === 'unauthorized_client')
    return {
      kind: 'credentials',
      message: `Google OAuth rejected client_id or client_secret (${oauth}): check the OAuth client in the Google Ads credentials.`,
    };

  const network = networkCodeOf(error);
  if (network)
    return {
      kind: 'network',
      message: `${serviceName(hostOf(error))} could not be reached: ${network.code}${networkMeaning[network.code] ? ` (${networkMeaning[network.code]})` : ''}.`,
    };

  const status = statusOf(error);
  if (status?.grpc === grpc.UNAVAILABLE || status?.grpc === grpc.DEADLINE_EXCEEDED)
    return {
      kind: 'network',
      message: `${serviceName(hostOf(error))} could not be reached: gRPC ${status.grpc === grpc.UNAVAILABLE ? 'UNAVAILABLE' : 'DEADLINE_EXCEEDED'}.`,
    };
  if (status?.grpc === grpc.RESOURCE_EXHAUSTED || status?.http === 429)
    return { kind: 'retryable', message: 'Google Ads API rate limit reached (RESOURCE_EXHAUSTED).' };
  if (status?.http !== undefined && status.http >= 500)
    return { kind: 'retryable', message: `Google Ads API answered HTTP ${status.http}.` };
  if (status?.grpc === grpc.UNAUTHENTICATED || status?.http === 401)
    return {
      kind: 'credentials',
      message:
        'Google Ads API rejected the credentials (unauthenticated): check developer_token, client_id, client_secret and refresh_token.',
    };
  if (status?.grpc === grpc.PERMISSION_DENIED || status?.http === 403)
    return {
      kind: 'credentials',
      message:
        'Google Ads API denied access (permission denied): check developer_token and login_customer_id.',
    };
  return {
    kind: 'request',
    message: `Google Ads API request failed${error instanceof Error ? ` (${error.name})` : ''}.`,
  };
}

interface DecodedFailure {
  readonly errors: readonly {
    readonly code: string;
    readonly message: string;
    readonly retryDelayMs?: number;
    readonly operationIndex?: number;
  }[];
  readonly requestId?: string;
}

/**
 * Reads a GoogleAdsFailure (what google-ads-api throws, and the decoded partial_failure_error of
 * a mutate response): each error's code as `<kind>.<NAME>`, message, retry delay and operation index.
 */
export function decodeGoogleAdsFailure(value: unknown): DecodedFailure | undefined {
  if (!isRecord(value) || !Array.isArray(value.errors)) return undefined;
  const errors = value.errors.filter(isRecord).map((e) => {
    const code = errorCodeOf(e.error_code);
    const delay = pick(pick(e.details, 'quota_error_details'), 'retry_delay');
    const elements = pick(e.location, 'field_path_elements');
    const operation = Array.isArray(elements)
      ? elements.find((p) => isRecord(p) && p.field_name === 'operations')
      : undefined;
    const index = isRecord(operation) ? Number(operation.index ?? 0) : undefined;
    return {
      code,
      message: typeof e.message === 'string' ? e.message : '',
      ...(isRecord(delay) ? { retryDelayMs: durationMs(delay) } : {}),
      ...(index !== undefined && Number.isInteger(index) ? { operationIndex: index } : {}),
    };
  });
  const requestId = typeof value.request_id === 'string' ? value.request_id : undefined;
  return { errors, ...(requestId ? { requestId } : {}) };
}

function classifyGoogleAdsFailure(failure: DecodedFailure): AdsFailure {
  const codes = failure.errors.map((e) => e.code);
  const logged = {
    errors: failure.errors.map(({ code, message }) => ({ code, message })),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
  };
  const credentials = codes.map(credentialsProblem).find((p) => p !== undefined);
  if (credentials)
    return {
      kind: 'credentials',
      message: `Google Ads credentials: ${credentials}. (${codes.join(', ')})`,
      ...logged,
    };
  if (codes.includes('quota_error.RESOURCE_EXHAUSTED' satisfies ActedOnCode))
    return {
      kind: 'quota',
      message:
        'The Google Ads API daily operations quota of the developer token is spent (quota_error.RESOURCE_EXHAUSTED); it resets at midnight Pacific Time. Not retried: run again after the reset, or ask Google for a higher access level.',
      ...logged,
    };
  if (codes.length > 0 && codes.every((c) => retryableCodes.has(c))) {
    const delays = failure.errors.flatMap((e) => (e.retryDelayMs === undefined ? [] : [e.retryDelayMs]));
    return {
      kind: 'retryable',
      message: `Google Ads API is busy (${codes.join(', ')}).`,
      ...(delays.length ? { retryDelayMs: Math.max(...delays) } : {}),
      ...logged,
    };
  }
  return {
    kind: 'request',
    message: `Google Ads API rejected the request (${codes.join(', ') || 'no error code'}).`,
    ...logged,
  };
}

export interface RetryOptions {
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  /** 0 ≤ random() < 1, for jitter. */
  readonly random: () => number;
  /** Time left before the caller's deadline (the Lambda's remaining time). */
  readonly remainingMs: () => number;
  /** Attempts for rate limits and transient faults. */
  readonly attempts?: number;
  /** Attempts for network failures: few and quick, so an unreachable API fails in seconds. */
  readonly networkAttempts?: number;
  readonly baseDelayMs?: number;
  readonly networkDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Time kept in reserve after the last wait (to record the failure). */
  readonly reserveMs?: number;
}

/**
 * Calls the ads API, retrying rate limits and transient faults with exponential backoff and full
 * jitter (at least the retry_delay Google asks for), and network failures a few times quickly.
 * Never waits past the deadline. This is the one retry layer of an ads call (google-gax's own is
 * off, google-ads.client.ts): exhausted retries throw AdsUnavailableError, which nothing retries
 * again; only a wait the deadline cuts short throws TransientError, so Step Functions carries the
 * same policy on in a fresh invocation. The daily quota, credentials and bad requests throw at once.
 */
export async function withAdsRetries<T>(
  operation: string,
  call: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const networkAttempts = options.networkAttempts ?? 3;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const reserve = options.reserveMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    let failure: AdsFailure;
    try {
      return await call();
    } catch (error) {
      failure = classifyAdsError(error);
    }
    const context = {
      operation,
      attempt,
      kind: failure.kind,
      ...(failure.errors ? { googleAdsErrors: failure.errors } : {}),
      ...(failure.requestId ? { requestId: failure.requestId } : {}),
    };
    const message = `${operation}: ${failure.message}`;
    switch (failure.kind) {
      case 'credentials':
        options.logger.error('Google Ads credentials rejected', context);
        throw new AdsCredentialsError(message);
      case 'quota':
        options.logger.error('Google Ads daily quota exhausted', context);
        throw new AdsQuotaError(message);
      case 'request':
        options.logger.error('Google Ads request failed', context);
        throw new AdsRequestError(message);
    }
    const network = failure.kind === 'network';
    const limit = network ? networkAttempts : attempts;
    const base = network ? (options.networkDelayMs ?? 250) : (options.baseDelayMs ?? 1_000);
    const backoff = Math.min(maxDelay, base * 2 ** (attempt - 1));
    // Full jitter spreads retries from many invocations; never shorter than what Google asked for.
    const delay = Math.max(failure.retryDelayMs ?? 0, Math.round(options.random() * backoff));
    if (attempt >= limit) {
      options.logger.error('Google Ads call failed after retries', context);
      throw new AdsUnavailableError(`${message} Gave up after ${attempt} attempt(s).`);
    }
    if (delay + reserve > options.remainingMs()) {
      // The same policy, carried on by a fresh invocation: Step Functions retries TransientError.
      options.logger.error('Google Ads call cut short by the deadline', context);
      throw new TransientError(
        `${message} Gave up after ${attempt} attempt(s) (no time left before the deadline).`,
      );
    }
    options.logger.warn('Google Ads call failed; retrying', { ...context, delayMs: delay });
    await options.sleep(delay);
  }
}

function googleAdsFailureOf(error: unknown): DecodedFailure | undefined {
  const decoded = decodeGoogleAdsFailure(error);
  return decoded?.errors.length ? decoded : undefined;
}

function errorCodeOf(value: unknown): string {
  if (!isRecord(value)) return 'unknown';
  for (const [kind, raw] of Object.entries(value)) {
    if (raw === undefined || raw === null) continue;
    const name = typeof raw === 'number' ? (errorEnums[kind]?.[raw] ?? String(raw)) : String(raw);
    return `${kind}.${name}`;
  }
  return 'unknown';
}

function durationMs(duration: Record<string, unknown>): number {
  return Math.round(Number(duration.seconds ?? 0) * 1000 + Number(duration.nanos ?? 0) / 1e6);
}

function oauthErrorOf(error: unknown): string | undefined {
  for (const e of chain(error)) {
    const data = pick(pick(e, 'response'), 'data');
    const code = pick(data, 'error');
    if (typeof code === 'string') return code;
    // The gRPC auth plugin reports OAuth failures only in its message.
    const match = /\b(invalid_grant|invalid_client|unauthorized_client)\b/.exec(
      String(pick(e, 'message') ?? ''),
    );
    if (match) return match[1];
  }
  return undefined;
}

function networkCodeOf(error: unknown): { code: string } | undefined {
  for (const e of chain(error)) {
    const code = pick(e, 'code');
    if (typeof code === 'string' && networkCodes.has(code)) return { code };
  }
  return undefined;
}

function hostOf(error: unknown): string | undefined {
  for (const e of chain(error)) {
    const host = pick(e, 'hostname');
    if (typeof host === 'string') return host;
    const url = pick(pick(e, 'config'), 'url');
    if (typeof url === 'string' || url instanceof URL) {
      try {
        return new URL(String(url)).hostname;
      } catch {}
    }
  }
  return undefined;
}

function statusOf(error: unknown): { grpc?: number; http?: number } | undefined {
  if (!isRecord(error)) return undefined;
  const http = pick(pick(error, 'response'), 'status');
  const code = error.code;
  return {
    ...(typeof code === 'number' ? { grpc: code } : {}),
    ...(typeof http === 'number' ? { http } : {}),
  };
}

function* chain(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    yield current;
    current = current.cause;
  }
}

function pick(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
