import { startProcessor } from "./processor";

/** The pipeline probe: a job with nothing to do, so what it measures is the outbox and the queue. */
export function startProbeWorker() {
  return startProcessor("probe", { ping: async () => null }, { concurrency: 50 });
}
