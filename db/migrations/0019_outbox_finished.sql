-- The outbox owns the truth until the work is done (issue 19): a row is finished when its
-- processor finishes, not when Redis accepts its job. Rows dispatched but not finished are
-- checked against Redis by the reconciler, which re-dispatches (same job id) work whose job
-- Redis lost. Rows dispatched before this migration are taken as finished unless recent (the
-- reconciler looks those up in Redis).
ALTER TABLE "outbox" ADD COLUMN "finished_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "outbox" SET "finished_at" = "dispatched_at" WHERE "dispatched_at" < now() - interval '1 day';
--> statement-breakpoint
CREATE INDEX "outbox_unfinished_idx" ON "outbox" USING btree ("dispatched_at") WHERE "dispatched_at" IS NOT NULL AND "finished_at" IS NULL;
