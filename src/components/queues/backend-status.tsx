"use client";

import { useQuery } from "@tanstack/react-query";
import { useBrand } from "~/components/brands/brand-context";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { useTRPC } from "~/lib/trpc";

/** How often the page asks which backend runs: a Redis outage shows within this. */
const REFRESH_MS = 5_000;

function useBackendMode() {
  const brand = useBrand();
  const trpc = useTRPC();
  return useQuery({ ...trpc.queues.backend.queryOptions({ brand: brand.slug }), refetchInterval: REFRESH_MS }).data?.mode;
}

/** Which backend carries the queues and live updates now. */
export function BackendBadge() {
  const mode = useBackendMode();
  if (!mode) return null;
  const [tone, label] = ({ redis: ["indigo", "Redis"], postgres: ["slate", "Postgres mode"], degraded: ["amber", "Postgres · Redis away"] } as const)[mode];
  return (
    <span data-testid="queue-backend" title="The backend queues, live updates, locks and rate limits run on">
      <Badge tone={tone}>{label}</Badge>
    </span>
  );
}

/** While Redis is away: what that means for the operator (nothing to do, nothing lost). */
export function BackendNotice() {
  if (useBackendMode() !== "degraded") return null;
  return (
    <Alert tone="warning" title="Redis is unreachable: running on Postgres">
      Queues, live updates, locks and rate limits have moved to Postgres, and nothing accepted is lost. They return to Redis by themselves
      when it answers again.
    </Alert>
  );
}
