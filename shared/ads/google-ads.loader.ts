import { registerGoogleAds } from '../runtime/runtime.ts';

// Imported for this effect by the code that talks to Google Ads (the aggregate and orchestrate
// steps): only their bundles then carry google-ads-api, loaded on the first Google Ads call.
registerGoogleAds(() => import('./google-ads.client.ts'));
