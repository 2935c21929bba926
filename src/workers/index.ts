/**
 * Worker process: `tsx src/workers/index.ts [queue ...]` runs the named queues (all when none),
 * so each kind can run as its own process and scale by starting more.
 */
process.env.BRANDBASE_SERVICE ??= `worker:${process.argv.slice(2).join(",") || "all"}`;

import { closeDb, getSql } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { closeInfra, getInfra } from "~/server/infra";
import { announceInfraMode } from "~/server/infra/redis";
import { isQueueName, QUEUE_NAMES, type QueueName } from "~/server/jobs/contracts";
import { getLogger } from "~/server/logger";
import { installShopifyRouting } from "~/server/shopify/install";
import { startHeartbeat } from "./heartbeat";
import { startWorkers } from "./runtime";

function parseQueues(args: string[]): QueueName[] {
  if (args.length === 0 || (args.length === 1 && args[0] === "all")) return QUEUE_NAMES;
  const unknown = args.filter((a) => !isQueueName(a));
  if (unknown.length) {
    throw new Error(`Unknown queue(s): ${unknown.join(", ")}. Known: ${QUEUE_NAMES.join(", ")}`);
  }
  return [...new Set(args)] as QueueName[];
}

async function main(): Promise<void> {
  const env = getEnv();
  const log = getLogger();
  const queues = parseQueues(process.argv.slice(2));
  installShopifyRouting();
  await announceInfraMode(log, env.REDIS_URL);
  const workers = startWorkers({ infra: getInfra(), log }, { queues, graceMs: env.WORKER_SHUTDOWN_GRACE_MS, lockMs: env.QUEUE_LOCK_MS });
  const stopHeartbeat = env.WORKER_HEARTBEAT_FILE ? startHeartbeat({ sql: getSql(), infra: getInfra(), log }, { file: env.WORKER_HEARTBEAT_FILE, queues }) : () => {};

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down workers");
    try {
      stopHeartbeat();
      await workers.stop();
      await closeInfra();
      await closeDb();
      log.info("workers stopped");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
}

main().catch((err) => {
  getLogger().fatal({ err }, "worker failed to start");
  process.exit(1);
});
