import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  googleAdsCredentialsFromEnv,
  googleAdsCredentialsFromFile,
  googleAdsCredentialsFromSecret,
  parseGoogleAdsCredentials,
} from '../../../shared/runtime/credentials.ts';

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

const valid = {
  developer_token: 'dev-token-value',
  client_id: 'client-id-value.apps.googleusercontent.com',
  client_secret: 'client-secret-value',
  refresh_token: 'refresh-token-value',
  login_customer_id: '123-456-7890',
};

describe('Google Ads credentials', () => {
  it('reads the secret once and serves warm invocations from the cache', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'lfi/google-ads/once' })
      .resolves({ SecretString: JSON.stringify(valid) });

    const first = await googleAdsCredentialsFromSecret('lfi/google-ads/once');
    const second = await googleAdsCredentialsFromSecret('lfi/google-ads/once');

    expect(first).toEqual({ ...valid, login_customer_id: '1234567890' });
    expect(second).toEqual(first);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names each missing or malformed field, and never a value', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'lfi/google-ads/bad' }).resolves({
      SecretString: JSON.stringify({
        ...valid,
        refresh_token: '',
        client_secret: undefined,
        login_customer_id: 'x1',
      }),
    });

    const failure = googleAdsCredentialsFromSecret('lfi/google-ads/bad');

    await expect(failure).rejects.toThrow(
      'Google Ads credentials in secret lfi/google-ads/bad are invalid: client_secret is missing or not a string; refresh_token is empty; login_customer_id must be ten digits (the manager account id).',
    );
    const message = await failure.catch((error: Error) => error.message);
    for (const value of Object.values(valid)) expect(message).not.toContain(value);
  });

  it('does not quote the text of a secret that is not JSON', () => {
    expect(() => parseGoogleAdsCredentials('developer_token=dev-token-value', 'secret s')).toThrow(
      'Google Ads credentials in secret s are not valid JSON.',
    );
    expect(() => parseGoogleAdsCredentials('developer_token=dev-token-value', 'secret s')).not.toThrow(
      /dev-token/,
    );
  });

  it('reads the same JSON from a file, and names the environment variables that are missing', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lfi-creds-')), 'google-ads.json');
    await writeFile(file, JSON.stringify(valid));
    expect((await googleAdsCredentialsFromFile(file)).developer_token).toBe('dev-token-value');
    await expect(googleAdsCredentialsFromFile(`${file}.missing`)).rejects.toThrow('(ENOENT)');

    expect(() =>
      googleAdsCredentialsFromEnv({
        GOOGLE_ADS_DEVELOPER_TOKEN: 'dev-token-value',
        GOOGLE_ADS_CLIENT_ID: 'id',
      }),
    ).toThrow('set GOOGLE_ADS_CLIENT_SECRET, GOOGLE_ADS_REFRESH_TOKEN, GOOGLE_ADS_LOGIN_CUSTOMER_ID.');
  });
});
