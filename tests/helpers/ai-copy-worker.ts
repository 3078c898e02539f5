/**
 * A worker process for the `ai-copy` queue alone, so a test can kill it mid-job (SIGKILL: no
 * clean shutdown) and see another worker finish the job. Short locks, so the job of a killed
 * worker is taken up again in seconds rather than BullMQ's default half-minute.
 */
import { startAiCopyWorker } from "../../workers/ai-copy";

const worker = startAiCopyWorker({ lockDuration: 2_000, stalledInterval: 1_000, concurrency: 1 });
await worker.waitUntilReady();
process.send?.("ready");
