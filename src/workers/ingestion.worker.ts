import { getInfra } from "~/server/infra";
import { createJobProducer, type QueueHandlers } from "~/server/jobs/queue";
import { getDb } from "~/server/db/client";
import { runProbe } from "~/server/services/queues/probe";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { requeueUnprocessedDeliveries } from "~/server/services/webhooks/receive";

/** Handlers of the `ingestion` queue: one per job in its contract. */
export const ingestionHandlers: QueueHandlers<"ingestion"> = {
  probe: runProbe,
  shopifyWebhook: (payload, ctx) => applyShopifyWebhook({ db: getDb(), log: ctx.log, jobs: createJobProducer(getInfra().queue) }, payload),
  requeueWebhooks: async () => {
    const queue = getInfra().queue;
    return { queued: await requeueUnprocessedDeliveries({ db: getDb(), jobs: createJobProducer(queue), queue }, { olderThanMs: 60_000, limit: 500 }) };
  },
};
