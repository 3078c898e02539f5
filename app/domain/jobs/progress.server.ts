/**
 * Live progress for long jobs (CSV imports and exports, AI jobs and batches, data exports): the
 * rows' triggers (migration 0023) notify channel `netshop_progress` with
 * "<shop id>:<table>:<row id>" at commit, whoever wrote them (a worker, usually). Each web process
 * LISTENs once, on first use, and hands each event to the open streams of that shop only; the
 * SSE route (routes/admin.progress.tsx) turns them into server-sent events.
 */
import { logger } from "~/lib/logger.server";
import { listen } from "~db/client";

export type ProgressEvent = { table: string; id: string };
type Subscriber = (event: ProgressEvent | "reconnected") => void;

const byShop = new Map<string, Set<Subscriber>>();
let listening: Promise<unknown> | undefined;
let established = false;

function dispatch(payload: string) {
  const [shopId, table, id] = payload.split(":");
  if (!shopId || !table || !id) return;
  for (const subscriber of byShop.get(shopId) ?? []) subscriber({ table, id });
}

function startListening(): Promise<unknown> {
  listening ??= listen("netshop_progress", dispatch, () => {
    if (!established) return void (established = true); // the first LISTEN: nothing was missed
    // Events sent while the connection was down are lost: every page re-reads once.
    for (const subscribers of byShop.values()) for (const s of subscribers) s("reconnected");
  }).catch((error: unknown) => {
    listening = undefined;
    logger().warn({ err: error }, "progress: not listening for job changes");
    throw error;
  });
  return listening;
}

/** Calls `onEvent` for every job change in this shop until the returned function is called; resolves once listening. */
export async function subscribeProgress(shopId: string, onEvent: Subscriber): Promise<() => void> {
  let subscribers = byShop.get(shopId);
  if (!subscribers) byShop.set(shopId, (subscribers = new Set()));
  subscribers.add(onEvent);
  const unsubscribe = () => {
    subscribers.delete(onEvent);
    if (subscribers.size === 0 && byShop.get(shopId) === subscribers) byShop.delete(shopId);
  };
  try {
    await startListening();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return unsubscribe;
}
