import { createBrand, listBrandsForUser } from "../../services/brands/brands";
import { createBrandInput } from "../schemas/brands";
import { authedProcedure, brandProcedure, createTRPCRouter } from "../trpc";

export const brandsRouter = createTRPCRouter({
  list: authedProcedure.query(({ ctx }) => listBrandsForUser(ctx, { userId: ctx.user.id })),

  create: authedProcedure.input(createBrandInput).mutation(({ ctx, input }) => createBrand(ctx, { userId: ctx.user.id, name: input.name })),

  /** The brand in the URL with the caller's role: the dashboard layout's first question. */
  get: brandProcedure().query(({ ctx }) => ctx.brand),
});
