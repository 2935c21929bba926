import { createDeps } from "~/server/deps";
import type { QueueHandlers } from "~/server/jobs/queue";
import { resolveBacklogSweep, resolveEventBacklog } from "~/server/services/identity/resolve";
import { runProbe } from "~/server/services/queues/probe";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { requeueUnprocessedDeliveries } from "~/server/services/webhooks/receive";

/** Handlers of the `ingestion` queue: one per job in its contract. */
export const ingestionHandlers: QueueHandlers<"ingestion"> = {
  probe: runProbe,
  shopifyWebhook: (payload, ctx) => applyShopifyWebhook(createDeps({ log: ctx.log }), payload),
  requeueWebhooks: async (payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return { queued: await requeueUnprocessedDeliveries({ ...deps, queue: deps.infra.queue }, { olderThanMs: payload.olderThanMs ?? 60_000, limit: 500 }) };
  },
  resolveEvents: (payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return resolveEventBacklog({ ...deps, cache: deps.infra.cache }, { brandId: payload.brandId, signal: ctx.signal });
  },
  resolveBacklog: async (payload, ctx) => ({ brands: await resolveBacklogSweep(createDeps({ log: ctx.log }), { olderThanMs: payload.olderThanMs ?? 30_000 }) }),
};
