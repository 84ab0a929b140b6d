import { errors } from 'google-ads-api';
import { describe, expect, it } from 'vitest';
import { classifyAdsError, decodeGoogleAdsFailure } from '../../../shared/ads/ads-errors.ts';

describe('Google Ads error classification', () => {
  it('reads a GoogleAdsFailure decoded from gRPC bytes: numeric codes, retry delay and operation index', () => {
    const bytes = errors.GoogleAdsFailure.encode({
      errors: [
        {
          error_code: { quota_error: errors.QuotaErrorEnum.QuotaError.RESOURCE_TEMPORARILY_EXHAUSTED },
          message: 'Too many requests.',
          details: { quota_error_details: { retry_delay: { seconds: 12, nanos: 500_000_000 } } },
          location: { field_path_elements: [{ field_name: 'operations', index: 3 }] },
        },
      ],
      request_id: 'abc',
    }).finish();
    const decoded = errors.GoogleAdsFailure.decode(bytes);

    expect(decodeGoogleAdsFailure(decoded)).toEqual({
      errors: [
        {
          code: 'quota_error.RESOURCE_TEMPORARILY_EXHAUSTED',
          message: 'Too many requests.',
          retryDelayMs: 12_500,
          operationIndex: 3,
        },
      ],
      requestId: 'abc',
    });
    expect(classifyAdsError(decoded)).toMatchObject({ kind: 'retryable', retryDelayMs: 12_500 });
  });

  it('tells network failures, OAuth rejections, gRPC statuses and the daily quota apart', () => {
    expect(
      classifyAdsError(
        Object.assign(new Error('x'), { code: 'ECONNREFUSED', hostname: 'googleads.googleapis.com' }),
      ),
    ).toMatchObject({
      kind: 'network',
      message:
        'Google Ads API (googleads.googleapis.com) could not be reached: ECONNREFUSED (connection refused).',
    });
    expect(
      classifyAdsError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })),
    ).toMatchObject({ kind: 'network' });
    expect(
      classifyAdsError(new Error('Getting metadata from plugin failed with error: invalid_grant')),
    ).toMatchObject({ kind: 'credentials', message: expect.stringContaining('refresh_token') });
    expect(
      classifyAdsError({ response: { data: { error: 'invalid_client' } }, message: 'invalid_client' }),
    ).toMatchObject({ kind: 'credentials', message: expect.stringContaining('client_id or client_secret') });
    expect(
      classifyAdsError({ errors: [{ error_code: { quota_error: 'RESOURCE_EXHAUSTED' }, message: 'x' }] }),
    ).toMatchObject({ kind: 'quota' });
    expect(
      classifyAdsError({ errors: [{ error_code: { field_error: 'REQUIRED' }, message: 'x' }] }),
    ).toMatchObject({ kind: 'request' });
  });
});
