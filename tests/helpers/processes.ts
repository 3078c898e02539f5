/**
 * The app's own processes as children, the way production runs them: `scripts/web.ts` with
 * WEB_PROCESSES (node's cluster on one port) and `workers/main.ts`, with this process's
 * environment (database, Redis, queue prefix, sandbox). Used by tests that check invariants
 * across processes, and by benchmarks.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface AppProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

function start(
  script: string,
  env: Record<string, string>,
  ready: string,
  output?: string[],
): Promise<{ process: AppProcess; message: Record<string, unknown> }> {
  // Production's shape, so production's rules: the suite's cheap bcrypt cost is refused there.
  const { PASSWORD_HASH_COST: _testCost, ...inherited } = process.env;
  const child = fork(path.join(root, script), [], {
    cwd: root,
    env: { ...inherited, NODE_ENV: "production", ...env },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", output ? "pipe" : "inherit", output ? "pipe" : "inherit", "ipc"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output?.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => output?.push(chunk.toString("utf8")));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === ready && resolve({ process: { child, stop }, message: m }));
    child.once("exit", (code) => reject(new Error(`${script} exited during start-up (${code})`)));
  });
}

/**
 * `processes` web processes on one free port (scripts/web.ts); resolves when every one listens.
 * With `output`, their stdout and stderr (the logs) are collected there instead of shown.
 */
export async function startWebProcesses(
  processes: number,
  options: { env?: Record<string, string>; output?: string[] } = {},
): Promise<AppProcess & { url: string; processes: number }> {
  const { process: web, message } = await start(
    "scripts/web.ts",
    { WEB_PROCESSES: String(processes), PORT: "0", HOST: "127.0.0.1", NETSHOP_PROCESS: "web", ...options.env },
    "listening",
    options.output,
  );
  return { ...web, url: `http://127.0.0.1:${message.port}`, processes: Number(message.processes) };
}

/** One worker process (workers/main.ts: the outbox dispatcher and every queue); resolves when ready. */
export async function startWorkerProcess(): Promise<AppProcess> {
  return (await start("workers/main.ts", { NETSHOP_PROCESS: "workers" }, "ready")).process;
}
