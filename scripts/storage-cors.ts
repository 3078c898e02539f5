/**
 * `npm run storage:cors [-- https://shop.example.com …]`: puts the browser-upload CORS rule on the
 * configured bucket (S3_* settings), for PUBLIC_URL's origin and any origins given. R2 needs it
 * once per bucket, with an API token allowed to change bucket settings; the local store gets the
 * same rule when npm start / npm test start it.
 */
import { config, publicUrl } from "../app/config.server";
import { applyBrowserUploadCors, browserUploadCorsRules } from "../app/integrations/storage.server";

const origins = [...new Set([new URL(publicUrl()).origin, ...process.argv.slice(2).map((o) => new URL(o).origin)])];
await applyBrowserUploadCors(origins);
console.log(`CORS rule set on bucket ${config().S3_BUCKET}: ${JSON.stringify(browserUploadCorsRules(origins))}`);
