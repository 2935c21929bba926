import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_MAX_BATCH } from "~/lib/limits";
import { withHttp } from "../http";
import { getLogger } from "../logger";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * Every tRPC call, as a web Request → Response: served by the web process's own HTTP server before
 * Next.js (src/server/web-server.ts: a Next.js route handler adds milliseconds to every call), and
 * by the Next.js route (src/app/api/trpc/[trpc]/route.ts) where that server is not in front.
 */
export const handleTrpc = withHttp(TRPC_ENDPOINT, (req: Request) =>
  fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
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
