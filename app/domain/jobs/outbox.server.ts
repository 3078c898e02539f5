import { schema, type Tx } from "~db/client";
import { jobSchema, type JobName, type JobPayload, type JobQueue } from "./queues";

/**
 * Records work to run after this transaction commits. The outbox dispatcher enqueues it on
 * BullMQ with the outbox row id as job id: committed work is never lost, and never run twice
 * because of a dispatch retry.
 */
export async function enqueueAfterCommit<Q extends JobQueue, N extends JobName<Q>>(
  tx: Tx,
  job: { queue: Q; name: N; payload: JobPayload<Q, N>; shopId?: string | null; delayMs?: number },
): Promise<string> {
  const parsed = jobSchema(job.queue, job.name)?.parse(job.payload);
  if (parsed === undefined) throw new Error(`unknown job ${job.queue}:${job.name}`);
  const [row] = await tx
    .insert(schema.outbox)
    .values({
      queue: job.queue,
      jobName: job.name,
      payload: parsed,
      shopId: job.shopId ?? null,
      availableAt: job.delayMs ? new Date(Date.now() + job.delayMs) : undefined,
    })
    .returning({ id: schema.outbox.id });
  return row.id;
}
