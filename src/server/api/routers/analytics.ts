import { countingPubSub, dataChannel } from "../../services/commerce/announce";
import { getOrder, listOrders } from "../../services/analytics/orders";
import { getOverview } from "../../services/analytics/overview";
import { listProducts } from "../../services/analytics/products";
import { liveSnapshots } from "../live";
import { orderInput, ordersInput, overviewInput, productsInput } from "../schemas/analytics";
import { liveInput } from "../schemas/queues";
import { brandProcedure, createTRPCRouter } from "../trpc";

export const analyticsRouter = createTRPCRouter({
  overview: brandProcedure()
    .input(overviewInput)
    .query(({ ctx, input }) => getOverview(ctx, { brandId: ctx.brandId, period: input.days, currency: input.currency })),

  orders: brandProcedure()
    .input(ordersInput)
    .query(({ ctx, input }) => listOrders(ctx, { brandId: ctx.brandId, ...input, fromDay: input.from, toDay: input.to })),

  order: brandProcedure()
    .input(orderInput)
    .query(({ ctx, input }) => getOrder(ctx, { brandId: ctx.brandId, orderId: input.orderId })),

  products: brandProcedure()
    .input(productsInput)
    .query(({ ctx, input }) => listProducts(ctx, { brandId: ctx.brandId, ...input })),

  /**
   * How many data changes (orders landing, by webhook or sync) this view has seen: the page refetches
   * when the count moves. At most one update every 2 s per viewer; a heartbeat repeats the count.
   */
  live: brandProcedure()
    .input(liveInput)
    .subscription(({ ctx, signal }) => {
      const watch = countingPubSub(ctx.pubsub);
      return liveSnapshots({
        pubsub: watch.pubsub,
        channel: dataChannel(ctx.brandId),
        snapshot: async () => ({ changes: watch.changes() }),
        signal,
        minIntervalMs: 2_000,
        userId: ctx.user.id,
      });
    }),
});
