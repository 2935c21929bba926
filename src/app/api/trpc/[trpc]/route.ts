import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
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
    createContext: () => createTRPCContext({ headers: req.headers }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") getLogger().error({ path, err: error.cause ?? error }, "tRPC procedure failed");
    },
  }),
);

export { handler as GET, handler as POST };
