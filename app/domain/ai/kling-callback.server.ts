/**
 * Kling's callbacks: the per-job URL and its secret token, and the callback itself, which is only
 * a hint confirmed with Kling before anything is recorded.
 */
import { eq, sql } from "drizzle-orm";

import { publicUrl } from "~/config.server";
import { parseKlingCallback } from "~/integrations/kling.server";
import { isUuid } from "~/lib/ids";
import { keyedHash, safeEqual } from "~/lib/secrets.server";
import { schema, withShop } from "~db/client";

import { externalTaskId, isKlingSandbox, klingClient, loadJob, TASK_KIND } from "./kling-job-rows.server";

/** The secret token in a job's callback URL: a keyed hash of the shop and job (unguessable, per job). */
export function klingCallbackToken(shopId: string, jobId: string): string {
  return keyedHash("kling-callback", `${shopId}:${jobId}`).slice(0, 40);
}

/**
 * Where Kling should POST the job's status changes, or undefined when Kling could not reach us
 * (the real Kling and a loopback PUBLIC_URL): polling alone then finishes the job.
 */
export function klingCallbackUrl(shopId: string, jobId: string): string | undefined {
  const base = publicUrl();
  if (!isKlingSandbox() && /^https?:\/\/(localhost|127\.|\[::1\])/i.test(base)) return undefined;
  return `${base}/webhooks/kling/${shopId}/${jobId}/${klingCallbackToken(shopId, jobId)}`;
}

export type CallbackOutcome = { status: 200 | 400 | 404; outcome: string };

/**
 * A Kling callback: unsigned, so only a hint. The URL's token must match the job; the task it
 * names must be the job's; then the task is fetched from Kling (GET) and only what Kling says
 * there is recorded. The processor, which is polling the task, acts on it at once.
 */
export async function handleKlingCallback(input: {
  shopId: string;
  jobId: string;
  token: string;
  body: unknown;
}): Promise<CallbackOutcome> {
  if (!isUuid(input.shopId) || !isUuid(input.jobId) || !safeEqual(input.token, klingCallbackToken(input.shopId, input.jobId))) {
    return { status: 404, outcome: "unknown" };
  }
  let hint;
  try {
    hint = parseKlingCallback(input.body);
  } catch {
    return { status: 400, outcome: "not a Kling task" };
  }
  const job = await loadJob(input.shopId, input.jobId);
  if (!job || (job.kind !== "tryon" && job.kind !== "video")) return { status: 404, outcome: "unknown" };
  const externalId = externalTaskId(job);
  const ours = hint.taskId === job.providerTaskId || hint.externalTaskId === externalId;
  if (!ours) return { status: 200, outcome: "ignored: another task" };
  if (job.status === "succeeded" || job.status === "cancelled") return { status: 200, outcome: "ignored: job done" };
  // Confirm with Kling before believing anything.
  // If Kling cannot be reached this throws, and the route answers 503 so Kling sends it again.
  const task = await klingClient().findTask(TASK_KIND[job.kind], job.providerTaskId ?? hint.taskId);
  if (!task) return { status: 200, outcome: "ignored: Kling has no such task" };
  if (task.externalTaskId && task.externalTaskId !== externalId) return { status: 200, outcome: "ignored: another task" };
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({
        providerStatus: task.status,
        providerTaskId: sql`coalesce(${schema.aiJobs.providerTaskId}, ${task.taskId})`,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, job.id)),
  );
  return { status: 200, outcome: `confirmed: ${task.status}` };
}
