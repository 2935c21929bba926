import { createDeps } from "~/server/deps";
import { AppError } from "~/server/errors";
import type { JobHandler, QueueHandlers } from "~/server/jobs/queue";
import { requireBrandChild } from "~/server/services/brands/access";
import { runProbe } from "~/server/services/queues/probe";
import { runManualCheck } from "~/server/services/sync/completeness";
import { repairDeletions } from "~/server/services/sync/deletions";
import { pollBulkStep, resumeStalledSteps, runBulkStep } from "~/server/services/sync/history";
import { runReconcile, runRecentSync } from "~/server/services/sync/incremental-sync";

// Errors are the services' own: the queue processor fails a job permanently when retrying cannot
// help (a store that is not connected, a malformed result) and retries the rest.

/**
 * A job acts for the brand its payload names, on that brand's store (and step) only: a payload
 * naming another brand's store fails NOT_FOUND (permanently) before anything reaches Shopify.
 */
function ownJobsOnly<N extends Exclude<keyof QueueHandlers<"sync">, "probe">>(handler: JobHandler<"sync", N>): JobHandler<"sync", N> {
  return async (payload, ctx) => {
    const p = payload as { brandId: string; storeId: string; stepId?: string };
    const deps = createDeps({ log: ctx.log });
    await requireBrandChild(deps, { brandId: p.brandId, kind: "store", id: p.storeId });
    if (p.stepId) {
      const step = await requireBrandChild(deps, { brandId: p.brandId, kind: "syncStep", id: p.stepId });
      if (step.storeId !== p.storeId) throw new AppError("NOT_FOUND", "No such sync step of this store");
    }
    return handler(payload, ctx);
  };
}

const counted = ({ orders, customers, products }: { orders: number; customers: number; products: number }) => ({ orders, customers, products });

const bulkStep: JobHandler<"sync", "bulk_orders" | "bulk_customers" | "bulk_products"> = (payload, ctx) =>
  runBulkStep(createDeps({ log: ctx.log }), { stepId: payload.stepId, attempt: ctx.attempt, signal: ctx.signal });

/** Handlers of the `sync` queue: one per job in its contract. */
export const syncHandlers: QueueHandlers<"sync"> = {
  probe: runProbe,
  // The job's result is the counts; the orders read (for the completeness window) are not kept in the queue.
  recentSync: ownJobsOnly((payload, ctx) => runRecentSync(createDeps({ log: ctx.log }), { storeId: payload.storeId, days: payload.days, signal: ctx.signal }).then(counted)),
  reconcile: ownJobsOnly((payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return runReconcile(deps, { storeId: payload.storeId, lookbackHours: deps.env.SYNC_LOOKBACK_HOURS, signal: ctx.signal }).then(counted);
  }),
  bulk_orders: ownJobsOnly(bulkStep),
  bulk_customers: ownJobsOnly(bulkStep),
  bulk_products: ownJobsOnly(bulkStep),
  bulk_poll: ownJobsOnly((payload, ctx) => pollBulkStep(createDeps({ log: ctx.log }), { stepId: payload.stepId, signal: ctx.signal })),
  repairDeletions: ownJobsOnly((payload, ctx) => repairDeletions(createDeps({ log: ctx.log }), { storeId: payload.storeId, entity: payload.entity, signal: ctx.signal })),
  resumeStalledSteps: async (payload, ctx) => ({ resumed: await resumeStalledSteps(createDeps({ log: ctx.log }), { stalledForMs: payload.stalledForMs }) }),
  completenessCheck: ownJobsOnly((payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return runManualCheck(deps, { brandId: payload.brandId, storeId: payload.storeId, window: { days: payload.days, maxOrders: deps.env.CHECK_MAX_ORDERS }, signal: ctx.signal });
  }),
};
