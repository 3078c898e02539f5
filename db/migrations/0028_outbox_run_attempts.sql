-- Hand-written (issue 19): BullMQ keeps a job's attempt count in Redis, so a job the reconciler
-- dispatches again after Redis lost it started over at attempt 1 and could run 8 more times. The
-- processor records on the outbox row how many runs failed; the dispatcher gives a re-dispatched
-- job only the attempts it has left, with its backoff where it stopped.
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "run_attempts" integer NOT NULL DEFAULT 0;
