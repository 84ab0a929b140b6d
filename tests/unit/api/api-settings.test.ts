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
    expect(() => loadApiSettings({ LFI_API_ADMIN_CLAIM: 'a..b' })).toThrow(
      /LFI_API_ADMIN_CLAIM must be a dotted claim path/,
    );
  });
});
