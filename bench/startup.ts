/**
 * `npm run bench:startup [-- --runs 5]`: how long the production processes take from spawn to
 * ready, as a supervisor restarting them sees it: dist/web.js until it listens (its `listening`
 * message) and dist/workers.js until every queue's worker is connected and the dispatcher runs
 * (`ready`), each started `--runs` times one after the other. Wall-clock time depends on how busy
 * the machine is, so it also reports the CPU time the process (and its cluster copies) used until
 * ready, which does not. Prints `startup: web_ms=<median> (min <n>, max <n>) workers_ms=… web_cpu_ms=<median>
 * workers_cpu_ms=<median> load=<1-minute load average>`.
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { buildIfStale, DIST } from "../scripts/app-processes";
import { freePort } from "../scripts/services";
import { treeCpuMs } from "./cpu";
import { benchEnvironment } from "./environment";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);

process.env.LOG_LEVEL ??= "warn";
process.env.QUEUE_PREFIX = `benchstart${randomBytes(3).toString("hex")}`;
const environment = await benchEnvironment();
buildIfStale();

async function startOnce(script: string, ready: string, env: Record<string, string>): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const child = fork(path.join(DIST, script), [], {
    env: { ...process.env, ...env },
    execArgv: ["--enable-source-maps"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [ms, cpuMs] = await new Promise<[number, number]>((resolve, reject) => {
    child.on("message", (m: { type?: string }) => m?.type === ready && resolve([performance.now() - started, treeCpuMs(child.pid!)]));
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  child.removeAllListeners("exit");
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return { ms: Math.round(ms), cpuMs };
}

const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]} (min ${sorted[0]}, max ${sorted[sorted.length - 1]})`;
};

const web: Array<{ ms: number; cpuMs: number }> = [];
const workers: Array<{ ms: number; cpuMs: number }> = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  web.push(await startOnce("web.js", "listening", { NETSHOP_PROCESS: "web", PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }));
  workers.push(await startOnce("workers.js", "ready", { NETSHOP_PROCESS: "workers" }));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `startup: web_ms=${summary(web.map((r) => r.ms))} workers_ms=${summary(workers.map((r) => r.ms))}` +
    ` web_cpu_ms=${median(web.map((r) => r.cpuMs))} workers_cpu_ms=${median(workers.map((r) => r.cpuMs))} load=${os.loadavg()[0].toFixed(1)}`,
);
await environment.stop();
