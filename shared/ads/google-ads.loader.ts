import type { GoogleAdsLoader } from '../runtime/runtime.ts';

/**
 * google-ads-api, loaded on the first Google Ads call. The entries that talk to Google Ads (the
 * aggregate and orchestrate Lambdas, the CLI) pass this to their runtime; a Lambda that does not
 * import it carries none of google-ads-api in its bundle.
 */
export const loadGoogleAds: GoogleAdsLoader = () => import('./google-ads.client.ts');
