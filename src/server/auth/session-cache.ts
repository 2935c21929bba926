import { LRUCache } from "lru-cache";
import { createListener, type Listener } from "../infra/pubsub/listener";
import type { PubSubPort } from "../infra/pubsub/port";

/**
 * Who a session cookie belongs to, remembered in this process for a short while so that a burst of
 * calls (a page's queries, Customer360 served from its cache) does not pay better-auth's session
 * lookup (~2–5 ms: the cookie's HMAC through Web Crypto and two queries) on every call.
 *
 * Correctness rests on being told: whatever changes a user or ends a session — sign-out, revoking
 * sessions, a password reset, a profile change (better-auth's database hooks), the admin CLI granting
 * or revoking the instance administrator role — calls `announceSessionChange`, which drops the user's
 * entries here and tells every other process on the pub/sub port. A message lost on the way (the
 * pub/sub backend down) is bounded by the entries' lifetime: `SESSION_CACHE_TTL_MS`.
 *
 * Entries are keyed by the request's cookies exactly as sent, so only cookies better-auth itself
 * accepted can ever be answered from here; a session past its own expiry is never served.
 */
export const SESSION_CACHE_TTL_MS = 30_000;
export const SESSION_CHANGES_CHANNEL = "auth:session-changes";

interface Entry<U> {
  user: U;
  userId: string;
  expiresAt: number;
}

export interface SessionCache<U> {
  /** The user of a request with these cookies: from this process's memory when known, else from `load` (remembered unless null). */
  resolve(cookies: string | null, load: () => Promise<{ user: U; userId: string; expiresAt: Date } | null>): Promise<U | null>;
  /** Forgets every entry of the user (in this process only). */
  forgetUser(userId: string): void;
  /** Forgets every entry (changes may have been missed). */
  clear(): void;
  readonly size: number;
}

export function createSessionCache<U>(options: { ttlMs?: number; max?: number; now?: () => number } = {}): SessionCache<U> {
  const now = options.now ?? Date.now;
  const entries = new LRUCache<string, Entry<U>>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? SESSION_CACHE_TTL_MS, ttlResolution: 0, perf: { now } });
  // Moves on every announced change: a lookup that was in flight across one is answered but not remembered.
  let epoch = 0;
  return {
    async resolve(cookies, load) {
      if (!cookies) return (await load())?.user ?? null;
      const hit = entries.get(cookies);
      if (hit && hit.expiresAt > now()) return hit.user;
      const before = epoch;
      const loaded = await load();
      if (!loaded) {
        entries.delete(cookies);
        return null;
      }
      if (epoch === before) entries.set(cookies, { user: loaded.user, userId: loaded.userId, expiresAt: loaded.expiresAt.getTime() });
      return loaded.user;
    },
    forgetUser(userId) {
      epoch++;
      for (const [cookie, entry] of entries.entries()) if (entry.userId === userId) entries.delete(cookie);
    },
    clear() {
      epoch++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * Tells this process and every other one that the user's sessions or account changed. The local
 * entries go first, so this process answers its next call fresh whatever the pub/sub backend does;
 * a publish that fails is the caller's to log (the change itself has happened).
 */
export async function announceSessionChange(deps: { pubsub: PubSubPort; cache: SessionCache<unknown> }, userId: string): Promise<void> {
  deps.cache.forgetUser(userId);
  await deps.pubsub.publish(SESSION_CHANGES_CHANNEL, { userId });
}

/** Keeps `cache` told of changes announced by other processes, from the first time it is asked whether it is. */
export function listenForSessionChanges(deps: { pubsub: PubSubPort; cache: SessionCache<unknown> }, opts: { onError?: (err: unknown) => void } = {}): Listener {
  return createListener(
    deps.pubsub,
    SESSION_CHANGES_CHANNEL,
    (message) => {
      const userId = (message as { userId?: unknown } | null)?.userId;
      if (typeof userId === "string") deps.cache.forgetUser(userId);
    },
    // Changes may have been missed while the subscription was away: every session is read afresh.
    { ...opts, onResume: () => deps.cache.clear() },
  );
}
