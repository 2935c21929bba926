import { analyticsRouter } from "./routers/analytics";
import { customersRouter } from "./routers/customers";
import { identityRouter } from "./routers/identity";
import { sourcesRouter } from "./routers/sources";
import { brandsRouter } from "./routers/brands";
import { mailRouter } from "./routers/mail";
import { meRouter } from "./routers/me";
import { invitationsRouter, membersRouter } from "./routers/members";
import { queuesRouter } from "./routers/queues";
import { storesRouter } from "./routers/stores";
import { syncRouter } from "./routers/sync";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  me: meRouter,
  brands: brandsRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  queues: queuesRouter,
  stores: storesRouter,
  sync: syncRouter,
  analytics: analyticsRouter,
  mail: mailRouter,
  sources: sourcesRouter,
  customers: customersRouter,
  identity: identityRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
