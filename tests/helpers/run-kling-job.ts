/**
 * Runs one Kling job's processor in a process of its own, so a test can kill it mid-job
 * (tests/integration/ai-media.test.ts). Usage: tsx tests/helpers/run-kling-job.ts <tryon|video> <shopId> <jobId>
 */
import { runKlingJob } from "~/domain/ai/kling-processor.server";

const [kind, shopId, jobId] = process.argv.slice(2);
await runKlingJob(kind as "tryon" | "video", { shopId, jobId }, { pollBaseMs: 200, pollMaxMs: 500, hintCheckMs: 100 });
process.exit(0);
