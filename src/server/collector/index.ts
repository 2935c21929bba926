import type { AppDeps } from "../deps";
import type { Env } from "../env";
import { getMetrics } from "../http";
import { type Collector, createCollector } from "./collector";

/** The event API as the web process (and `scripts/collector.ts`) serve it, configured from the environment. */
export function createCollectorFromEnv(deps: AppDeps, env: Env): Collector {
  return createCollector(
    {
      db: deps.db,
      sql: deps.sql,
      jobs: deps.jobs,
      rateLimit: deps.infra.rateLimit,
      pubsub: deps.pubsub,
      log: deps.log.child({ component: "collector" }),
      // Shopify's webhooks need its credentials; without them the Next.js route answers (and refuses).
      shopify: env.SHOPIFY_API_KEY && env.SHOPIFY_API_SECRET ? deps.shopify : undefined,
      observe: (route, method, status, seconds) => getMetrics().observeHttp(route, method, status, seconds),
    },
    {
      sourceRule: { points: env.EVENTS_PER_SECOND_PER_SOURCE, windowSeconds: 1 },
      badKeyRule: { points: env.EVENTS_BAD_KEY_PER_MINUTE, windowSeconds: 60 },
    },
  );
}

export type { Collector } from "./collector";
