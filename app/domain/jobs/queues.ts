import { z } from "zod";

import { uuidField } from "~/lib/ids";

/**
 * Every background queue and the payload of every job on it. Payloads carry ids, not data;
 * both the outbox (producer side) and the workers (consumer side) validate them here.
 */
export const QUEUE_NAMES = [
  "ai-copy",
  "ai-tryon",
  "ai-video",
  "media",
  // CSV import/export: long, database-bound jobs with their own (low) concurrency, so a big import
  // never waits behind image processing and never starves it of workers.
  "catalog-csv",
  "notify",
  "accounting",
  "dropship",
  "reports",
  "privacy",
  "maintenance",
  // A no-op job through the whole pipeline (outbox → dispatcher → Redis → worker → finished):
  // the outbox benchmark's events, and a probe an operator can send.
  "probe",
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const uuid = uuidField();

export const JOBS = {
  media: {
    /** Make webp renditions (and a video's poster) of one uploaded media item. */
    process: z.object({ shopId: uuid, mediaId: uuid }),
    /** Delete the stored objects of media rows that were deleted. */
    "purge-objects": z.object({ shopId: uuid, mediaIds: z.array(uuid).min(1).max(10_000) }),
  },
  "catalog-csv": {
    import: z.object({ shopId: uuid, transferId: uuid }),
    export: z.object({ shopId: uuid, transferId: uuid }),
  },
  notify: {
    "send-message": z.object({ messageId: uuid, shopId: uuid.nullable() }),
  },
  // AI work: one ai_jobs row per job (db/schema/ai.ts); the payload names it.
  "ai-copy": {
    /** Write copy for one product (alone, or as a child of a bulk batch). */
    generate: z.object({ shopId: uuid, jobId: uuid }),
    /** The parent of a bulk run's generate jobs: finishes the batch when its children are done. */
    batch: z.object({ shopId: uuid, batchId: uuid }),
  },
  "ai-tryon": {
    run: z.object({ shopId: uuid, jobId: uuid }),
  },
  "ai-video": {
    run: z.object({ shopId: uuid, jobId: uuid }),
  },
  // Dropshipping (app/domain/dropship): forwarding a paid order to its suppliers, supplier stock/cost
  // → linked variants, a supplier's order changes → the merchant's order.
  dropship: {
    "forward-order": z.object({ shopId: uuid, orderId: uuid }),
    "sync-variants": z.object({ supplierShopId: uuid, variantIds: z.array(uuid).min(1).max(1000) }),
    "supplier-order-changed": z.object({ supplierShopId: uuid, supplierOrderId: uuid }),
    "forward-cancelled": z.object({ supplierShopId: uuid, supplierOrderId: uuid }),
    /** A buyer corrected their details: the supplier's copy of a sent forward takes the order's recipient again. */
    "recipient-corrected": z.object({ shopId: uuid, forwardId: uuid }),
  },
  accounting: {
    /** Send one accounting_syncs row's documents to AutoCount (invoice + receipt, or credit note + voucher). */
    sync: z.object({ shopId: uuid, syncId: uuid }),
  },
  reports: {
    /** The daily WhatsApp report, fired by the shop's BullMQ job scheduler at its local time. */
    "daily-report": z.object({ shopId: uuid }),
    /** (Re)creates one shop's daily-report job scheduler after its settings changed. */
    schedule: z.object({ shopId: uuid }),
    /** Hourly: every shop's scheduler exists and matches its time zone and settings. */
    "sync-schedulers": z.object({}),
  },
  // Personal-data rights (app/domain/privacy): a request's export ZIP, a deletion after its cooling-off.
  privacy: {
    "build-export": z.object({ requestId: uuid, shopId: uuid.nullable() }),
    erase: z.object({ requestId: uuid, shopId: uuid.nullable() }),
    /** A significant new privacy policy or terms version: every account holder is told. */
    "policy-notice": z.object({ versionId: uuid }),
  },
  maintenance: {
    /** Copies Kling results not yet in our bucket (a job scheduler runs it every few hours). */
    "ai-sweep-results": z.object({}),
    /** Cancel unpaid orders past their expires_at and release their stock (a job scheduler, every minute). */
    "expire-orders": z.object({}),
    /** Delete anonymous carts untouched for 60 days (a job scheduler, daily). */
    "sweep-carts": z.object({}),
    /** Renewal invoices, dunning reminders and suspension of unpaid shops (app/flows/billing-cycle; a job scheduler, every 15 minutes). */
    "billing-cycle": z.object({
      /** The clock the cycle runs at (the bench and tests inject one); the scheduler sends none: now. */
      now: z.iso.datetime().optional(),
    }),
    /** Privacy retention (daily): WhatsApp bodies after 7 days, analytics after 13 months, export files after 7 days, due deletions. */
    "privacy-retention": z.object({}),
    /** Refunds, AI copy jobs, forwards and AutoCount syncs a dead process left half done (app/flows/interrupted-work; every 5 minutes). */
    "sweep-interrupted": z.object({}),
  },
  probe: {
    /** Does nothing; its outbox row's created_at → finished_at is the pipeline's latency. */
    ping: z.object({ label: z.string().max(100).optional() }),
  },
} satisfies Partial<Record<QueueName, Record<string, z.ZodType>>>;

type Jobs = typeof JOBS;
export type JobQueue = keyof Jobs;
export type JobName<Q extends JobQueue> = keyof Jobs[Q] & string;
export type JobPayload<Q extends JobQueue, N extends JobName<Q>> = z.infer<Jobs[Q][N] & z.ZodType>;

export function jobSchema(queue: string, name: string): z.ZodType | undefined {
  return (JOBS as Record<string, Record<string, z.ZodType>>)[queue]?.[name];
}

/** Retry policy shared by every job: exponential backoff, failures kept for the admin to see. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: "exponential", delay: 2_000 },
  // Completed jobs are kept a week so a re-dispatched outbox row (same job id) is a no-op.
  removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;
