import { getDb, getSql } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { isAppError } from "~/server/errors";
import { getInfra } from "~/server/infra";
import { PermanentJobError } from "~/server/infra/queue/port";
import { createJobProducer, type JobHandler, type QueueHandlers } from "~/server/jobs/queue";
import type { Logger } from "~/server/logger";
import { runProbe } from "~/server/services/queues/probe";
import { pollBulkStep, runBulkStep, runCompletenessCheck } from "~/server/services/sync/history";
import { runReconcile, runRecentSync } from "~/server/services/sync/incremental-sync";
import { getShopify } from "~/server/shopify/api";
import { getSessionStorage } from "~/server/shopify/session-storage";

/** A store that is not connected (uninstalled, needs re-authorization) will not get better by retrying. */
async function permanentOnAppError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isAppError(err)) throw new PermanentJobError(err.message, { cause: err });
    throw err;
  }
}

const deps = async (log: Logger) => {
  const infra = getInfra();
  return { db: getDb(), sql: getSql(), shopify: getShopify(), storage: await getSessionStorage(), jobs: createJobProducer(infra.queue), pubsub: infra.pubsub, log };
};

const bulkStep: JobHandler<"sync", "bulk_orders" | "bulk_customers" | "bulk_products"> = async (payload, ctx) => runBulkStep(await deps(ctx.log), { stepId: payload.stepId, attempt: ctx.attempt, signal: ctx.signal });

/** Handlers of the `sync` queue: one per job in its contract. */
export const syncHandlers: QueueHandlers<"sync"> = {
  probe: runProbe,
  recentSync: async (payload, ctx) =>
    permanentOnAppError(async () => runRecentSync(await deps(ctx.log), { storeId: payload.storeId, days: payload.days, signal: ctx.signal })),
  reconcile: async (payload, ctx) =>
    permanentOnAppError(async () =>
      runReconcile(await deps(ctx.log), { storeId: payload.storeId, lookbackHours: getEnv().SYNC_LOOKBACK_HOURS, signal: ctx.signal }),
    ),
  bulk_orders: bulkStep,
  bulk_customers: bulkStep,
  bulk_products: bulkStep,
  bulk_poll: async (payload, ctx) => pollBulkStep(await deps(ctx.log), { stepId: payload.stepId, signal: ctx.signal }),
  completenessCheck: async (payload, ctx) =>
    permanentOnAppError(async () =>
      runCompletenessCheck(await deps(ctx.log), { brandId: payload.brandId, storeId: payload.storeId, trigger: "manual", window: { money: [], changedSince: 0 }, windowLabel: "counts only", signal: ctx.signal }),
    ),
};
