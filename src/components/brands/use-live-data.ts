"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "~/lib/trpc";

/**
 * Keeps a data page current: the brand's data subscription counts the changes that landed (orders
 * by webhook, sync, reconciliation), at most one update every 2 s; when the count moves, the
 * page's figures and lists are refetched — they stay on screen meanwhile (placeholder data).
 */
export function useLiveData(brand: string): "connecting" | "live" | "error" {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useSubscription(trpc.analytics.live.subscriptionOptions({ brand }));
  const changes = (live.data?.data as { changes: number } | undefined)?.changes;
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (changes === undefined) return;
    // A reconnect starts a new count: a different number, so one refetch covers what may have been missed.
    if (seen.current !== undefined && changes !== seen.current) {
      for (const path of [trpc.analytics.overview, trpc.analytics.orders, trpc.analytics.order]) void queryClient.invalidateQueries({ queryKey: path.pathKey() });
    }
    seen.current = changes;
  }, [changes, queryClient, trpc]);
  return live.status === "error" ? "error" : changes === undefined ? "connecting" : "live";
}
