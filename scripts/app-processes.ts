/**
 * Builds the app when stale and runs its two processes (web and workers) as children, the way
 * production runs them. Shared by `npm start`, `npm test` (end-to-end phase) and benchmarks.
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");

/** Rebuilds the Remix app when the build is missing or older than its sources. */
export function buildIfStale(): { built: boolean; ms: number } {
  const started = performance.now();
  const buildFile = path.join(ROOT, "build", "index.js");
  const builtAt = fs.existsSync(buildFile) ? fs.statSync(buildFile).mtimeMs : 0;
  const newest = Math.max(
    newestMtime(path.join(ROOT, "app")),
    newestMtime(path.join(ROOT, "db")),
    fs.statSync(path.join(ROOT, "package.json")).mtimeMs,
    fs.statSync(path.join(ROOT, "remix.config.js")).mtimeMs,
  );
  if (builtAt >= newest) return { built: false, ms: 0 };
  // Always a production build: one built under NODE_ENV=test/development uses React's jsxDEV,
  // which a process running with NODE_ENV=production does not have (and renders slower).
  const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "remix"), ["build"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
  return { built: true, ms: Math.round(performance.now() - started) };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export interface AppProcesses {
  web: ChildProcess;
  workers: ChildProcess;
  /** Resolves when the web server listens and the workers are ready. */
  ready: Promise<void>;
  stop(): Promise<void>;
  /** Called when either process exits on its own. */
  onUnexpectedExit(listener: (name: string, code: number | string | null) => void): void;
}

export function startAppProcesses(options: { env: Record<string, string>; logDir: string }): AppProcesses {
  fs.mkdirSync(options.logDir, { recursive: true });
  let stopping = false;
  const listeners: Array<(name: string, code: number | string | null) => void> = [];
  const spawn = (name: string, script: string) => {
    const log = fs.openSync(path.join(options.logDir, `${name}.log`), "a");
    const child = fork(script, [], {
      cwd: ROOT,
      env: { ...options.env, NODE_ENV: options.env.NODE_ENV ?? "production", NETSHOP_PROCESS: name } as NodeJS.ProcessEnv,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", log, "pipe", "ipc"],
    });
    child.stderr?.on("data", (chunk) => {
      fs.appendFileSync(path.join(options.logDir, `${name}.log`), chunk);
      process.stderr.write(`[${name}] ${chunk}`);
    });
    child.on("exit", (code, signal) => {
      if (!stopping) for (const l of listeners) l(name, signal ?? code);
    });
    return child;
  };
  const web = spawn("web", path.join(ROOT, "scripts", "web.ts"));
  const workers = spawn("workers", path.join(ROOT, "workers", "main.ts"));
  const waitFor = (child: ChildProcess, type: string) =>
    new Promise<void>((resolve, reject) => {
      child.on("message", (m: { type?: string }) => m?.type === type && resolve());
      child.once("exit", (code) => reject(new Error(`process exited during start-up (${code}); see ${options.logDir}`)));
    });
  return {
    web,
    workers,
    ready: Promise.all([waitFor(web, "listening"), waitFor(workers, "ready")]).then(() => {}),
    onUnexpectedExit: (l) => listeners.push(l),
    async stop() {
      stopping = true;
      await Promise.all(
        [web, workers].map(
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
