"use client";

import { type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "~/lib/trpc";

/**
 * Refetches the queries under `paths` whenever a live view's change count moves (the subscription
 * yields `{ changes }`); they stay on screen meanwhile (placeholder data). A reconnect starts a new
 * count: a different number, so one refetch covers what may have been missed.
 */
export function useRefetchOnChange(live: { data?: { data: unknown } | undefined; status: string }, paths: { pathKey: () => QueryKey }[]): "connecting" | "live" | "error" {
  const queryClient = useQueryClient();
  const changes = (live.data?.data as { changes: number } | undefined)?.changes;
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (changes === undefined) return;
    if (seen.current !== undefined && changes !== seen.current) {
      for (const path of paths) void queryClient.invalidateQueries({ queryKey: path.pathKey() });
    }
    seen.current = changes;
    // `paths` is a new array each render: rerunning is harmless (nothing happens until the count moves).
  }, [changes, queryClient, paths]);
  return live.status === "error" ? "error" : changes === undefined ? "connecting" : "live";
}

/**
 * Keeps a data page current: the brand's data subscription counts the changes that landed (orders
 * by webhook, sync, reconciliation), at most one update every 2 s; when the count moves, the
 * page's figures and lists are refetched.
 */
export function useLiveData(brand: string): "connecting" | "live" | "error" {
  const trpc = useTRPC();
  const live = useSubscription(trpc.analytics.live.subscriptionOptions({ brand }));
  return useRefetchOnChange(live, [trpc.analytics.overview, trpc.analytics.orders, trpc.analytics.order]);
}
