import { authedProcedure, createTRPCRouter, publicProcedure } from "../trpc";

export const meRouter = createTRPCRouter({
  /** Null when signed out (the landing page uses it to decide where to go). */
  session: publicProcedure.query(({ ctx }) => ctx.user),
  get: authedProcedure.query(({ ctx }) => ctx.user),
});
