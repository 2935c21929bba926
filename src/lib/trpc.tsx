"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TRPC_MAX_BATCH } from "~/lib/limits";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "~/server/api/root";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // Access errors will not fix themselves by retrying.
        retry: (count, error) => {
          const code = (error as { data?: { code?: string } }).data?.code;
          if (code === "FORBIDDEN" || code === "UNAUTHORIZED" || code === "NOT_FOUND" || code === "BAD_REQUEST") return false;
          return count < 2;
        },
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: TRPC_MAX_BATCH }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The message and per-field errors of a failed call, for forms. */
export function describeError(error: unknown): { message: string; fields: Record<string, string> } {
  if (!error) return { message: "", fields: {} };
  const e = error as { message?: string; data?: { fields?: Record<string, string> } };
  return { message: e.message ?? "Something went wrong", fields: e.data?.fields ?? {} };
}
