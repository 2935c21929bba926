import { z } from "zod";
import { requestCompletenessCheck, retrySyncRun, retrySyncStep, startHistorySync } from "../../services/sync/history";
import { syncChannel } from "../../services/sync/progress";
import { getSyncStatus } from "../../services/sync/status";
import { liveSnapshots } from "../live";
import { liveInput } from "../schemas/queues";
import { brandProcedure, createTRPCRouter } from "../trpc";

const storeInput = z.object({ storeId: z.uuid() });

export const syncRouter = createTRPCRouter({
  /** The same JSON as GET /api/sync/{brandId}/status. */
  status: brandProcedure().query(({ ctx }) => getSyncStatus(ctx, { brandId: ctx.brandId })),

  /** The status, then again whenever a worker commits progress (coalesced), resumable. */
  live: brandProcedure()
    .input(liveInput)
    .subscription(({ ctx, signal }) =>
      liveSnapshots({ pubsub: ctx.pubsub, channel: syncChannel(ctx.brandId), snapshot: () => getSyncStatus(ctx, { brandId: ctx.brandId }), signal, minIntervalMs: 300, userId: ctx.user.id }),
    ),

  /** Sync a store's whole history again (after a disconnect, or to re-check everything). */
  start: brandProcedure("admin")
    .input(storeInput)
    .mutation(({ ctx, input }) => startHistorySync(ctx, { brandId: ctx.brandId, storeId: input.storeId })),

  /** Retries a failed step from where it can be retried (see retrySyncStep). */
  retryStep: brandProcedure("admin")
    .input(z.object({ stepId: z.uuid() }))
    .mutation(({ ctx, input }) => retrySyncStep(ctx, { brandId: ctx.brandId, stepId: input.stepId })),

  /** "Retry all": every failed step of a run at once. */
  retryRun: brandProcedure("admin")
    .input(z.object({ runId: z.uuid() }))
    .mutation(({ ctx, input }) => retrySyncRun(ctx, { brandId: ctx.brandId, runId: input.runId })),

  /** Compares the store's counts with the shop's now, and the money of the orders updated in the last `days` (a job: it calls Shopify). */
  check: brandProcedure("admin")
    .input(storeInput.extend({ days: z.number().int().min(1).max(3650).default(30) }))
    .mutation(({ ctx, input }) => requestCompletenessCheck(ctx, { brandId: ctx.brandId, storeId: input.storeId, days: input.days })),
});
