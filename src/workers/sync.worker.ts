import { getDb } from "~/server/db/client";
import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
import { runRecentSync } from "~/server/services/sync/recent-sync";
import { getShopify } from "~/server/shopify/api";
import { getSessionStorage } from "~/server/shopify/session-storage";

/** Handlers of the `sync` queue: one per job in its contract. */
export const syncHandlers: QueueHandlers<"sync"> = {
  probe: runProbe,
  recentSync: async (payload, ctx) =>
    runRecentSync({ db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), log: ctx.log }, { storeId: payload.storeId, days: payload.days, signal: ctx.signal }),
};
