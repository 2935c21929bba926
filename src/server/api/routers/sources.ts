import { createSource, listSources, renameSource, revealWriteKey, rotateWriteKey, setSourceRevoked, sourceActivity } from "../../services/events/sources";
import { liveSnapshots } from "../live";
import { renameSourceInput, revokeSourceInput, rotateKeyInput, sourceNameInput, sourceRefInput } from "../schemas/people";
import { liveInput } from "../schemas/queues";
import { brandProcedure, createTRPCRouter } from "../trpc";
import { profilesChannel } from "../../services/identity/channels";

export const sourcesRouter = createTRPCRouter({
  list: brandProcedure().query(({ ctx }) => listSources(ctx, { brandId: ctx.brandId })),

  create: brandProcedure("admin")
    .input(sourceNameInput)
    .mutation(({ ctx, input }) => createSource(ctx, { brandId: ctx.brandId, name: input.name, userId: ctx.user.id })),

  rename: brandProcedure("admin")
    .input(renameSourceInput)
    .mutation(({ ctx, input }) => renameSource(ctx, { brandId: ctx.brandId, sourceId: input.sourceId, name: input.name })),

  /** The write key again, for admins (it is a secret: analysts see its start only). */
  revealKey: brandProcedure("admin")
    .input(sourceRefInput)
    .mutation(({ ctx, input }) => revealWriteKey(ctx, { brandId: ctx.brandId, sourceId: input.sourceId })),

  rotateKey: brandProcedure("admin")
    .input(rotateKeyInput)
    .mutation(({ ctx, input }) => rotateWriteKey(ctx, { brandId: ctx.brandId, sourceId: input.sourceId, graceHours: input.graceHours })),

  setRevoked: brandProcedure("admin")
    .input(revokeSourceInput)
    .mutation(({ ctx, input }) => setSourceRevoked(ctx, { brandId: ctx.brandId, sourceId: input.sourceId, revoked: input.revoked })),

  /** The source's newest events and refusals, live: refreshed as events are resolved. */
  activity: brandProcedure()
    .input(sourceRefInput.extend(liveInput.shape))
    .subscription(({ ctx, input, signal }) =>
      liveSnapshots({
        pubsub: ctx.pubsub,
        channel: profilesChannel(ctx.brandId),
        snapshot: () => sourceActivity(ctx, { brandId: ctx.brandId, sourceId: input.sourceId, limit: 25 }),
        signal,
        minIntervalMs: 1_000,
        userId: ctx.user.id,
      }),
    ),
});
