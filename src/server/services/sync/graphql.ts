import { setTimeout as sleep } from "node:timers/promises";
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import type { LockPort } from "../../infra/lock/port";
import type { Shopify } from "../../shopify/api";
import { PRIORITY, type Priority, shopBudget, type ThrottleStatus } from "../../shopify/budget";
import { loadStoreSession, markNeedsReauth, renewStoreSession } from "../stores/session";

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

const isThrottled = (err: unknown) =>
  JSON.stringify((err as { body?: unknown }).body ?? "").includes('"THROTTLED"') || (err as { response?: { code?: number } }).response?.code === 429;

const costOf = (err: unknown) => (err as { body?: { extensions?: { cost?: Cost } } }).body?.extensions?.cost;

/** Quick retries of a request Shopify answered with a 5xx, before the job is left to retry later. */
const SERVER_ERROR_RETRIES = 2;

/** How long a request keeps waiting out throttling before the job gives up (and is retried later). */
const THROTTLE_PATIENCE_MS = 10 * 60_000;

export interface ClientOptions {
  signal?: AbortSignal;
  /** Whose turn comes first when the shop's budget is short (default: sync). */
  priority?: Priority;
  /** Patience with THROTTLED answers, in ms (default 10 minutes). */
  throttlePatienceMs?: number;
}

/**
 * Admin GraphQL within the shop's shared cost budget (`shopify/budget.ts`): each call waits its
 * turn for the points it is expected to cost, and its response's `extensions.cost` corrects the
 * budget for every job of the process. A THROTTLED (or 429) answer — another process, or Shopify's
 * own view — is reported to the budget and the call waits its turn again, for up to
 * `throttlePatienceMs`; then it fails as a passing condition (TOO_MANY_REQUESTS: the job retries).
 */
export function costAwareClient(shopify: Shopify, session: Session, opts: ClientOptions = {}) {
  const client = new shopify.clients.Graphql({ session });
  const budget = shopBudget(session.shop);
  const priority = opts.priority ?? PRIORITY.sync;
  return async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const started = Date.now();
    let serverErrors = 0;
    for (let attempt = 0; ; attempt++) {
      const grant = await budget.acquire(budget.expectedCost(query), priority, opts.signal);
      let status: ThrottleStatus | undefined;
      try {
        // No retries inside the library (its last error would hide the status): ours below.
        const res = await client.request<T>(query, { variables, retries: 0 });
        const cost = res.extensions?.cost as Cost | undefined;
        if (cost) {
          budget.learnCost(query, cost.requestedQueryCost);
          status = cost.throttleStatus;
        }
        return res.data as T;
      } catch (err) {
        const cost = costOf(err);
        if (cost) {
          budget.learnCost(query, cost.requestedQueryCost);
          status = cost.throttleStatus;
        }
        if (!isThrottled(err)) {
          const code = (err as { response?: { code?: number } }).response?.code;
          if (code === undefined || code < 500) throw err;
          // A server error is usually a blip: two quick tries more, then the job retries later.
          serverErrors++;
          if (serverErrors > SERVER_ERROR_RETRIES) {
            throw new AppError("SERVICE_UNAVAILABLE", `Shopify answered with a server error (HTTP ${code}) ${serverErrors} times in a row`, { cause: err });
          }
          await sleep(1_000 * serverErrors, undefined, { signal: opts.signal });
          continue;
        }
        // A 429 reports no bucket, only how long to wait: every job of the shop waits that long.
        if (!cost) budget.pause(1_000 * ((err as { response?: { retryAfter?: number } }).response?.retryAfter ?? 1));
        if (Date.now() - started > (opts.throttlePatienceMs ?? THROTTLE_PATIENCE_MS)) {
          throw new AppError("TOO_MANY_REQUESTS", `Shopify kept throttling ${session.shop} for ${Math.round((Date.now() - started) / 1000)} s (${attempt + 1} attempts); the job will try again later`, { cause: err });
        }
      } finally {
        grant.settle(status);
      }
    }
  };
}

const isUnauthorized = (err: unknown) => (err as { response?: { code?: number } }).response?.code === 401;

/**
 * A store's Admin API client: its session (refreshed when due) and the cost-aware client. A 401
 * on an expiring token (one with a refresh token) renews the token once — under the store's lock,
 * so concurrent jobs do not spend the rotating refresh token twice — and tries again; a 401 that
 * renewing cannot cure (the token was revoked, or the app uninstalled without us hearing yet)
 * marks the store as needing re-authorization (unless a state that explains it came first) and
 * stops the caller: retrying cannot help.
 */
export async function storeClient(
  deps: { db: Db; shopify: Shopify; storage: SessionStorage; lock?: LockPort },
  input: { storeId: string; signal?: AbortSignal; priority?: Priority },
) {
  const loaded = await loadStoreSession(deps, { storeId: input.storeId });
  const { store } = loaded;
  let session = loaded.session;
  let request = costAwareClient(deps.shopify, session, { signal: input.signal, priority: input.priority });
  const refused = () => markNeedsReauth(deps, { store, why: "Shopify refused its access token (401)" });
  const guarded = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    try {
      return await request<T>(query, variables);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      if (!session.refreshToken) return refused();
    }
    session = await renewStoreSession(deps, { store, rejected: session });
    request = costAwareClient(deps.shopify, session, { signal: input.signal, priority: input.priority });
    try {
      return await request<T>(query, variables);
    } catch (err) {
      if (isUnauthorized(err)) return refused();
      throw err;
    }
  };
  return { store, session, request: guarded as <T>(query: string, variables?: Record<string, unknown>) => Promise<T> };
}
