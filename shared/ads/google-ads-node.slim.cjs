// Stands in for google-ads-node in the Lambda bundles (an esbuild alias in LfiFunction): its index
// loads the clients of all ~150 Google Ads services, and LFI uses two. This halves the bundle and
// its load time. google-ads-api asks for a service by name; an unknown one fails with its name.
'use strict';
exports.protos = require('../../node_modules/google-ads-node/build/protos/protos.js');
exports.GoogleAdsServiceClient =
  require('../../node_modules/google-ads-node/build/src/v24/google_ads_service_client.js').GoogleAdsServiceClient;
exports.CampaignBudgetServiceClient =
  require('../../node_modules/google-ads-node/build/src/v24/campaign_budget_service_client.js').CampaignBudgetServiceClient;
