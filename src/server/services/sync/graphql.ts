import { setTimeout as sleep } from "node:timers/promises";
import type { Session } from "@shopify/shopify-api";
import type { Shopify } from "../../shopify/api";

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

const isThrottled = (err: unknown) =>
  JSON.stringify((err as { body?: unknown }).body ?? "").includes('"THROTTLED"') || (err as { response?: { code?: number } }).response?.code === 429;

/**
 * Admin GraphQL that respects Shopify's cost model: after each call it reads `extensions.cost` and,
 * when the bucket would not cover another call like it, waits for the restore rate to refill it;
 * a THROTTLED (or 429) answer is retried with backoff.
 */
export function costAwareClient(shopify: Shopify, session: Session, opts: { signal?: AbortSignal; maxRetries?: number } = {}) {
  const client = new shopify.clients.Graphql({ session });
  return async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await client.request<T>(query, { variables, retries: 2 });
        const cost = res.extensions?.cost as Cost | undefined;
        if (cost) {
          const { currentlyAvailable, restoreRate } = cost.throttleStatus;
          const shortfall = cost.requestedQueryCost - currentlyAvailable;
          if (shortfall > 0) await sleep((shortfall / restoreRate) * 1000, undefined, { signal: opts.signal });
        }
        return res.data as T;
      } catch (err) {
        if (!isThrottled(err) || attempt >= (opts.maxRetries ?? 8)) throw err;
        await sleep(Math.min(10_000, 500 * 2 ** attempt), undefined, { signal: opts.signal });
      }
    }
  };
}

export const numericId = (value: string) => Number(value.slice(value.lastIndexOf("/") + 1));
