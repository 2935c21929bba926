"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef } from "react";
import type { SyncStatus } from "~/server/services/sync/status";
import { useTRPC } from "~/lib/trpc";

interface SyncStatusValue {
  status: SyncStatus | undefined;
  connection: "connecting" | "live" | "error";
}

const SyncStatusContext = createContext<SyncStatusValue>({ status: undefined, connection: "connecting" });

/**
 * One live subscription to the brand's sync status for every page of the brand (the progress
 * widget and the Sync page read it). When a history sync finishes, the brand's data queries are
 * refreshed so the pages show what just arrived.
 */
export function SyncStatusProvider({ brand, children }: { brand: string; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useSubscription(trpc.sync.live.subscriptionOptions({ brand }));
  const status = live.data?.data as SyncStatus | undefined;

  const wasSyncing = useRef(false);
  const promoted = status?.stores.reduce((n, s) => n + (s.run?.steps.reduce((m, st) => m + st.promoted, 0) ?? 0), 0) ?? 0;
  const lastRefresh = useRef(0);
  useEffect(() => {
    if (!status) return;
    const finished = wasSyncing.current && !status.syncing;
    wasSyncing.current = status.syncing;
    // While data lands, refresh the brand's numbers now and then; once at the end for sure.
    if (finished || (status.syncing && Date.now() - lastRefresh.current > 5_000)) {
      lastRefresh.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: trpc.analytics.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.stores.pathKey() });
    }
  }, [status, promoted, queryClient, trpc]);

  const connection = live.status === "error" ? "error" : live.status === "connecting" || !status ? "connecting" : "live";
  return <SyncStatusContext.Provider value={{ status, connection }}>{children}</SyncStatusContext.Provider>;
}

export function useSyncStatus(): SyncStatusValue {
  return useContext(SyncStatusContext);
}

export const ENTITY_LABELS = { orders: "Orders", customers: "Customers", products: "Products" } as const;

export const PHASE_LABELS: Record<string, string> = {
  queued: "Queued",
  bulk_running: "Shopify is exporting",
  downloading: "Downloading",
  staging: "Staging",
  promoting: "Promoting",
  done: "Done",
  failed: "Failed",
};
