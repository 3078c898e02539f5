/**
 * What a long-running process (web, workers) does with errors nobody caught, so that a dependency's
 * restart never kills it (issue 19):
 * - an unhandled promise rejection is logged and the process carries on (Node's default is to
 *   exit); every caller that cares awaits its promises, so one that nobody awaited has no one to
 *   report to;
 * - postgres.js's known crash on a PostgreSQL restart under load (porsager/postgres#1154: a write
 *   scheduled with setImmediate runs after its connection closed and throws from the timer, out
 *   of reach of any await) is logged and the database pools are replaced, since that connection
 *   can never write again; the query it carried has already been rejected by the driver;
 * - any other uncaught exception leaves the process in an unknown state: logged, and the process
 *   exits with 1 for its supervisor (npm start, systemd, Kubernetes) to start a fresh one.
 */
import { recyclePools } from "~db/client";

import { logger } from "./logger.server";

/** The driver bug's signature: a TypeError on `write` of a null socket, thrown in postgres.js's connection.js. */
export function isPostgresClosedSocketWrite(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /reading 'write'|evaluating 'socket\.write'/.test(error.message) &&
    /postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? "")
  );
}

let installed = false;

export function installProcessGuards(): void {
  if (installed) return;
  installed = true;
  let lastRejection = { message: "", at: 0 };
  process.on("unhandledRejection", (reason) => {
    // The same driver crash can surface as a rejected query nobody awaited: that connection is as broken.
    if (isPostgresClosedSocketWrite(reason)) {
      logger().warn(
        { err: (reason as Error).message },
        "postgres.js wrote on a closed connection (porsager/postgres#1154): database pools replaced",
      );
      recyclePools();
      return;
    }
    const message = reason instanceof Error ? reason.message : String(reason);
    // A dependency that is down can produce many of the same: one line a minute.
    if (message === lastRejection.message && Date.now() - lastRejection.at < 60_000) return;
    lastRejection = { message, at: Date.now() };
    logger().error(
      { err: reason instanceof Error ? { type: reason.name, message, stack: reason.stack } : message },
      "unhandled rejection (process carries on)",
    );
  });
  process.on("uncaughtException", (error) => {
    if (isPostgresClosedSocketWrite(error)) {
      logger().warn({ err: error.message }, "postgres.js wrote on a closed connection (porsager/postgres#1154): database pools replaced");
      recyclePools();
      return;
    }
    logger().fatal(
      { err: { type: error.name, message: error.message, stack: error.stack } },
      "uncaught exception: exiting for a clean restart",
    );
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100);
  });
}
