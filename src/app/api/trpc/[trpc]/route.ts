import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_MAX_BATCH } from "~/lib/limits";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { withHttp } from "~/server/http";
import { getLogger } from "~/server/logger";

export const dynamic = "force-dynamic";

const handler = withHttp("/api/trpc", (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    // A batch runs its calls at once: bounded, so one request cannot fan out without limit.
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createTRPCContext({ headers: req.headers }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") getLogger().error({ path, err: error.cause ?? error }, "tRPC procedure failed");
    },
  }),
);

export { handler as GET, handler as POST };
