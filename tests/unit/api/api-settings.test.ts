import { describe, expect, it } from 'vitest';
import { loadApiSettings } from '../../../shared/api/api-settings.ts';

describe('the API settings', () => {
  it('reads an empty origin list, as a deploy without dashboard origins sets it, as no origins', () => {
    expect(loadApiSettings({ LFI_API_ALLOWED_ORIGINS: '' }).allowedOrigins).toEqual([]);
    expect(
      loadApiSettings({ LFI_API_ALLOWED_ORIGINS: ' https://a.example.com, ,http://localhost:8787 ' })
        .allowedOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:8787']);
  });

  it('names the setting at fault', () => {
    expect(() => loadApiSettings({ LFI_API_ALLOWED_ORIGINS: 'ftp://x.example.com' })).toThrow(
      /Invalid API configuration: LFI_API_ALLOWED_ORIGINS/,
    );
    expect(() => loadApiSettings({ LFI_API_ROLE_CLAIM: 'a..b' })).toThrow(
      /LFI_API_ROLE_CLAIM must be a dotted claim path/,
    );
    expect(() => loadApiSettings({ LFI_API_ROLE_CLAIM: 'app_metadata.__proto__' })).toThrow(
      /LFI_API_ROLE_CLAIM/,
    );
    expect(() => loadApiSettings({ LFI_API_READER_ROLES: ' , ' })).toThrow(/LFI_API_READER_ROLES/);
  });

  it('lets admin and growth read by default, and reads the reader roles as a comma-separated list', () => {
    expect(loadApiSettings({}).readerRoles).toEqual(['admin', 'growth']);
    expect(loadApiSettings({ LFI_API_READER_ROLES: ' growth, analyst ' }).readerRoles).toEqual([
      'growth',
      'analyst',
    ]);
  });

  it('says which setting a renamed variable became, rather than ignoring it', () => {
    expect(() => loadApiSettings({ LFI_API_ADMIN_CLAIM: 'app_metadata.role' })).toThrow(
      /LFI_API_ADMIN_CLAIM is now LFI_API_ROLE_CLAIM/,
    );
  });
});
