import { GoogleAdsApi } from 'google-ads-api';
const client = new GoogleAdsApi({ client_id: 'cid.apps.googleusercontent.com', client_secret: 'SECRETVAL', developer_token: 'DEVTOKEN' });
const c = client.Customer({ customer_id: '1234567890', refresh_token: 'REFRESHTOK', login_customer_id: '1112223333' });
function dump(e){ const seen=[]; let x=e; while(x && seen.length<5){ seen.push({name:x.name, ctor:x.constructor?.name, code:x.code, errno:x.errno, hostname:x.hostname, msg:String(x.message).slice(0,200), details:x.details, url: x.config?.url, keys:Object.keys(x).slice(0,15)}); x=x.cause;} console.log(JSON.stringify(seen,null,1)); }
let t=Date.now();
try { await c.query('SELECT campaign.id FROM campaign'); } catch (e) { console.log('query', Date.now()-t); dump(e); }
t=Date.now();
try { await c.campaignBudgets.update([{resource_name:'customers/1234567890/campaignBudgets/1', amount_micros: 5000000}], {partial_failure:true, validate_only:true}); } catch (e) { console.log('mutate', Date.now()-t); dump(e); }
process.exit(0);
