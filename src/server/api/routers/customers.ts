import { countingPubSub } from "../../services/commerce/announce";
import { clearCustomerCache, customerTimeline, getCustomer360, listCustomers } from "../../services/identity/customers";
import { profilesChannel } from "../../services/identity/channels";
import { undoMerge } from "../../services/identity/undo";
import { requireBrandChild } from "../../services/brands/access";
import { liveSnapshots } from "../live";
import { customerInput, customersInput, timelineInput, unmergeInput } from "../schemas/people";
import { liveInput } from "../schemas/queues";
import { brandProcedure, createTRPCRouter } from "../trpc";

export const customersRouter = createTRPCRouter({
  list: brandProcedure()
    .input(customersInput)
    .query(({ ctx, input }) => listCustomers(ctx, { brandId: ctx.brandId, ...input })),

  get: brandProcedure()
    .input(customerInput)
    .query(({ ctx, input }) => getCustomer360({ db: ctx.db, cache: ctx.infra.cache }, { brandId: ctx.brandId, profileId: input.profileId })),

  timeline: brandProcedure()
    .input(timelineInput)
    .query(({ ctx, input }) => customerTimeline(ctx, { brandId: ctx.brandId, ...input })),

  /** How many changes this customer's group has seen since the page opened: the page refetches when it moves. */
  live: brandProcedure()
    .input(customerInput.extend(liveInput.shape))
    .subscription(async ({ ctx, input, signal }) => {
      const profile = await requireBrandChild(ctx, { brandId: ctx.brandId, kind: "profile", id: input.profileId });
      const watch = countingPubSub(ctx.pubsub, (m) => ((m as { roots?: number[] }).roots ?? []).some((r) => r === profile.rootId || r === profile.id));
      return liveSnapshots({
        pubsub: watch.pubsub,
        channel: profilesChannel(ctx.brandId),
        snapshot: async () => ({ changes: watch.changes() }),
        signal,
        minIntervalMs: 250,
        userId: ctx.user.id,
      });
    }),

  unmerge: brandProcedure("admin")
    .input(unmergeInput)
    .mutation(async ({ ctx, input }) => {
      const result = await undoMerge({ db: ctx.db, pubsub: ctx.pubsub, cache: ctx.infra.cache, log: ctx.log }, { brandId: ctx.brandId, mergeId: input.mergeId, userId: ctx.user.id });
      ctx.log.info({ mergeId: input.mergeId }, "merge undone");
      return result;
    }),

  clearCache: brandProcedure("admin").mutation(({ ctx }) => clearCustomerCache({ cache: ctx.infra.cache }, { brandId: ctx.brandId })),
});
