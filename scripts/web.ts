/**
 * The web process: the built Remix app behind the HTTP layer. `npm run web` (after
 * `npm run build`); `npm start` runs it for you with the embedded default.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { closeDatabase } from "~db/client";
import { config, ConfigError, publicUrl } from "~/config.server";
import { createHttpApp } from "~/server/http.server";
import { logger } from "~/lib/logger.server";
import { installProcessGuards } from "~/lib/process-guards.server";
import { closeRedis } from "~/lib/redis.server";

process.env.NETSHOP_PROCESS ??= "web";
// A dependency's restart must not kill the process (issue 19).
installProcessGuards();
const root = path.resolve(import.meta.dirname, "..");

try {
  config();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const buildPath = path.join(root, "build", "index.js");
const build = (await import(pathToFileURL(buildPath).href).catch((error: NodeJS.ErrnoException) => {
  console.error(
    error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(buildPath)
      ? `No server build at ${buildPath}: run \`npm run build\` first.`
      : `The server build failed to load: ${error.stack ?? error}`,
  );
  process.exit(1);
})) as ServerBuild;

const app = createHttpApp({ build, publicDir: path.join(root, "public") });
const env = config();
const server = app.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger().info({ port }, "web listening");
  process.send?.({ type: "listening", port });
  if (!process.send) console.log(`NetShop web listening on ${publicUrl({ ...env, PORT: port })}`);
});
server.keepAliveTimeout = 65_000;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger().info({ signal }, "web shutting down: finishing in-flight requests");
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close(async () => {
    await Promise.allSettled([closeDatabase(), closeRedis()]);
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
