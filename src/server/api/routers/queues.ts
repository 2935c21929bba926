import { discardBrandJob, listBrandFailedJobs, retryBrandJob } from "../../services/queues/failed-jobs";
import { getAllQueuesHealth, getQueuesHealthShared, queueScopeFor } from "../../services/queues/health";
import { QUEUE_ACTIVITY_CHANNEL } from "../../services/queues/activity";
import { setQueuePaused } from "../../services/queues/control";
import { enqueueProbe } from "../../services/queues/probe";
import { infraStatus } from "../../services/system/health";
import { liveSnapshots } from "../live";
import { failedJobsInput, jobRefInput, liveQueuesInput, probeInput, queueNameInput, queueScopeInput } from "../schemas/queues";
import { brandProcedure, createTRPCRouter, instanceAdminProcedure } from "../trpc";

export const queuesRouter = createTRPCRouter({
  /** The brand's own jobs in every queue; `scope: "instance"` (instance administrators) the whole instance. */
  health: brandProcedure()
    .input(queueScopeInput)
    .query(({ ctx, input }) => getAllQueuesHealth(ctx.infra, { scope: queueScopeFor({ user: ctx.user, brandId: ctx.brandId }, input.scope) })),

  /** Snapshot, then a fresh one whenever a worker reports activity (coalesced), resumable. */
  live: brandProcedure()
    .input(liveQueuesInput)
    .subscription(({ ctx, input, signal }) => {
      const scope = queueScopeFor({ user: ctx.user, brandId: ctx.brandId }, input.scope);
      return liveSnapshots({
        pubsub: ctx.infra.pubsub,
        channel: QUEUE_ACTIVITY_CHANNEL,
        snapshot: (notBefore) => getQueuesHealthShared(ctx.infra, { scope, notBefore }),
        signal,
        userId: ctx.user.id,
      });
    }),

  /** Which backend the queues and live updates run on now (Redis, or Postgres by choice or while Redis is away). */
  backend: brandProcedure().query(({ ctx }) => infraStatus(ctx.infra)),

  failed: brandProcedure()
    .input(failedJobsInput)
    .query(({ ctx, input }) => listBrandFailedJobs(ctx.infra, { brandId: ctx.brandId, limit: input.limit, cursor: input.cursor })),

  retry: brandProcedure("admin")
    .input(jobRefInput)
    .mutation(({ ctx, input }) => retryBrandJob(ctx.infra, { brandId: ctx.brandId, queue: input.queue, jobId: input.jobId })),

  discard: brandProcedure("admin")
    .input(jobRefInput)
    .mutation(({ ctx, input }) => discardBrandJob(ctx.infra, { brandId: ctx.brandId, queue: input.queue, jobId: input.jobId })),

  /** Instance administrators only: probes occupy shared workers (up to a minute each). */
  probe: brandProcedure("analyst", { instanceAdmin: true })
    .input(probeInput)
    .mutation(({ ctx, input }) =>
      enqueueProbe({ jobs: ctx.jobs, pubsub: ctx.infra.pubsub }, { brandId: ctx.brandId, queue: input.queue, durationMs: input.durationMs, fail: input.fail }),
    ),

  pause: instanceAdminProcedure.input(queueNameInput).mutation(async ({ ctx, input }) => {
    await setQueuePaused(ctx.infra, { queue: input.queue, paused: true });
    ctx.log.warn({ queue: input.queue }, "queue paused");
  }),

  resume: instanceAdminProcedure.input(queueNameInput).mutation(async ({ ctx, input }) => {
    await setQueuePaused(ctx.infra, { queue: input.queue, paused: false });
    ctx.log.warn({ queue: input.queue }, "queue resumed");
  }),
});
