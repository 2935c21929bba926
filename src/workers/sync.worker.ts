import { createDeps } from "~/server/deps";
import type { JobHandler, QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
import { runCompletenessCheck } from "~/server/services/sync/completeness";
import { pollBulkStep, runBulkStep } from "~/server/services/sync/history";
import { runReconcile, runRecentSync } from "~/server/services/sync/incremental-sync";

// Errors are the services' own: the queue processor fails a job permanently when retrying cannot
// help (a store that is not connected, a malformed result) and retries the rest.

const bulkStep: JobHandler<"sync", "bulk_orders" | "bulk_customers" | "bulk_products"> = (payload, ctx) =>
  runBulkStep(createDeps({ log: ctx.log }), { stepId: payload.stepId, attempt: ctx.attempt, signal: ctx.signal });

/** Handlers of the `sync` queue: one per job in its contract. */
export const syncHandlers: QueueHandlers<"sync"> = {
  probe: runProbe,
  recentSync: (payload, ctx) => runRecentSync(createDeps({ log: ctx.log }), { storeId: payload.storeId, days: payload.days, signal: ctx.signal }),
  reconcile: (payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return runReconcile(deps, { storeId: payload.storeId, lookbackHours: deps.env.SYNC_LOOKBACK_HOURS, signal: ctx.signal });
  },
  bulk_orders: bulkStep,
  bulk_customers: bulkStep,
  bulk_products: bulkStep,
  bulk_poll: (payload, ctx) => pollBulkStep(createDeps({ log: ctx.log }), { stepId: payload.stepId, signal: ctx.signal }),
  completenessCheck: (payload, ctx) =>
    runCompletenessCheck(createDeps({ log: ctx.log }), {
      brandId: payload.brandId,
      storeId: payload.storeId,
      trigger: "manual",
      window: { money: [], changedSince: 0 },
      windowLabel: "counts only",
      signal: ctx.signal,
    }),
};
