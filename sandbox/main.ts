/** Runs the provider sandbox on its own: `npm run sandbox` (PORT, default 4010). */
import { startSandbox } from "./server";

const port = Number(process.env.SANDBOX_PORT ?? 4010);
const webhookUrl = process.env.SANDBOX_WASSENGER_WEBHOOK_URL;
const webhookSecret = process.env.WASSENGER_WEBHOOK_SECRET;
const sandbox = await startSandbox({
  port,
  wassengerWebhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined,
});
console.log(`NetShop provider sandbox at ${sandbox.url} (WhatsApp inbox /wassenger/inbox, mailbox /mail, SMTP port ${sandbox.mail.port})`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void sandbox.close().then(() => process.exit(0)));
