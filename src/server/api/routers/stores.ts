import { z } from "zod";
import { listDataRequests } from "../../services/compliance/compliance";
import { disconnectStore, listStores } from "../../services/stores/connect";
import { shopifyConfigured } from "../../shopify/api";
import { brandProcedure, createTRPCRouter } from "../trpc";

export const storesRouter = createTRPCRouter({
  list: brandProcedure().query(async ({ ctx }) => ({ stores: await listStores(ctx, { brandId: ctx.brandId }), shopifyConfigured: shopifyConfigured() })),

  /** Customers' data requests from Shopify, ready to download (owners hand them over). */
  dataRequests: brandProcedure("owner").query(({ ctx }) => listDataRequests(ctx, { brandId: ctx.brandId })),

  disconnect: brandProcedure("owner")
    .input(z.object({ storeId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await disconnectStore(ctx, { brandId: ctx.brandId, storeId: input.storeId });
      ctx.log.info({ storeId: input.storeId }, "store disconnected");
    }),
});
