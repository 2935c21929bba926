import { setTimeout as sleep } from "node:timers/promises";
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Db } from "../../db/client";
import type { Shopify } from "../../shopify/api";
import { loadStoreSession, markNeedsReauth } from "../stores/session";

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
        if (!isThrottled(err) || attempt >= (opts.maxRetries ?? 30)) throw err;
        // A THROTTLED answer says how far the bucket is from covering this query: wait that long
        // (others may be sharing the bucket, so add a little more each time); otherwise back off.
        const cost = (err as { body?: { extensions?: { cost?: Cost } } }).body?.extensions?.cost;
        const refill = cost ? ((cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) * 1000 : 0;
        const wait = refill > 0 ? refill + 250 * Math.min(attempt, 8) + Math.random() * 250 : Math.min(10_000, 500 * 2 ** attempt);
        await sleep(wait, undefined, { signal: opts.signal });
      }
    }
  };
}

const isUnauthorized = (err: unknown) => (err as { response?: { code?: number } }).response?.code === 401;

/**
 * A store's Admin API client: its session (refreshed when due) and the cost-aware client; a 401
 * (the token was revoked, or the app uninstalled without us hearing) marks the store as needing
 * re-authorization and stops the caller — retrying cannot help.
 */
export async function storeClient(deps: { db: Db; shopify: Shopify; storage: SessionStorage }, input: { storeId: string; signal?: AbortSignal }) {
  const { store, session } = await loadStoreSession(deps, { storeId: input.storeId });
  const request = costAwareClient(deps.shopify, session, { signal: input.signal });
  const guarded = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    try {
      return await request<T>(query, variables);
    } catch (err) {
      if (isUnauthorized(err)) return markNeedsReauth(deps, { store, why: "Shopify refused its access token (401)" });
      throw err;
    }
  };
  return { store, session, request: guarded as typeof request };
}
