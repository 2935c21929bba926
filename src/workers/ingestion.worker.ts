import { createDeps } from "~/server/deps";
import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { requeueUnprocessedDeliveries } from "~/server/services/webhooks/receive";

/** Handlers of the `ingestion` queue: one per job in its contract. */
export const ingestionHandlers: QueueHandlers<"ingestion"> = {
  probe: runProbe,
  shopifyWebhook: (payload, ctx) => applyShopifyWebhook(createDeps({ log: ctx.log }), payload),
  requeueWebhooks: async (_payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return { queued: await requeueUnprocessedDeliveries({ ...deps, queue: deps.infra.queue }, { olderThanMs: 60_000, limit: 500 }) };
  },
};
