import { z } from "zod";
import { getOverview, listOrders, listProducts } from "../../services/analytics/overview";
import { brandProcedure, createTRPCRouter } from "../trpc";

export const analyticsRouter = createTRPCRouter({
  overview: brandProcedure()
    .input(z.object({ days: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365), z.literal("all")]).default(30) }))
    .query(({ ctx, input }) => {
      const to = new Date();
      return getOverview(ctx, { brandId: ctx.brandId, from: input.days === "all" ? null : new Date(to.getTime() - input.days * 86_400_000), to });
    }),

  orders: brandProcedure()
    .input(
      z.object({
        limit: z.number().int().min(1).max(100).default(25),
        cursor: z.object({ createdAt: z.date(), id: z.uuid() }).nullish(),
        status: z.string().max(40).nullish(),
        from: z.date().nullish(),
        to: z.date().nullish(),
      }),
    )
    .query(({ ctx, input }) => listOrders(ctx, { brandId: ctx.brandId, ...input })),

  products: brandProcedure()
    .input(z.object({ limit: z.number().int().min(1).max(100).default(25), cursor: z.object({ title: z.string(), id: z.uuid() }).nullish() }))
    .query(({ ctx, input }) => listProducts(ctx, { brandId: ctx.brandId, ...input })),
});
