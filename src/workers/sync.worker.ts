import { getDb } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { isAppError } from "~/server/errors";
import { PermanentJobError } from "~/server/infra/queue/port";
import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
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

const deps = async (log: Parameters<typeof runRecentSync>[0]["log"]) => ({ db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), log });

/** Handlers of the `sync` queue: one per job in its contract. */
export const syncHandlers: QueueHandlers<"sync"> = {
  probe: runProbe,
  recentSync: async (payload, ctx) =>
    permanentOnAppError(async () => runRecentSync(await deps(ctx.log), { storeId: payload.storeId, days: payload.days, signal: ctx.signal })),
  reconcile: async (payload, ctx) =>
    permanentOnAppError(async () =>
      runReconcile(await deps(ctx.log), { storeId: payload.storeId, lookbackHours: getEnv().SYNC_LOOKBACK_HOURS, signal: ctx.signal }),
    ),
};
