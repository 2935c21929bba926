import { LRUCache } from "lru-cache";
import { createListener } from "../pubsub/listener";
import type { PubSubPort } from "../pubsub/port";
import type { CachePort } from "./port";

/** Where every process announces the keys and prefixes it deleted. */
export const CACHE_CHANGES_CHANNEL = "cache:changes";

interface Change {
  keys?: string[];
  prefixes?: string[];
}

/**
 * A process's own copy of what it read from a shared cache (a "near cache"), in front of any
 * CachePort: a hit costs no round trip (Customer360 from the cache is a page every operator opens
 * repeatedly). Deletes are announced on the pub/sub port, gathered per tick (a worker's batch
 * deleting 2,000 pages is one message), and every process drops what it holds of them; `delete`
 * resolves once the announcement is out, so a change published after it cannot overtake it.
 *
 * Nothing is served from the copy until this process hears the announcements; a value read while
 * one arrived is not kept; a copy lives at most `ttlMs` (the bound when an announcement is lost to a
 * pub/sub outage) and never past the value's own TTL. Values are kept as JSON text and parsed per
 * read, so callers get a copy of their own, as from the shared cache.
 */
export function withNearCache(remote: CachePort, pubsub: PubSubPort, opts: { ttlMs?: number; maxBytes?: number; onError?: (err: unknown) => void } = {}): CachePort {
  const local = new LRUCache<string, string>({ maxSize: opts.maxBytes ?? 32 * 2 ** 20, sizeCalculation: (v, k) => v.length + k.length, ttl: opts.ttlMs ?? 30_000 });
  // Moves with every announcement heard: a read that spanned one is answered but not kept.
  let epoch = 0;

  function drop(change: Change): void {
    for (const key of change.keys ?? []) local.delete(key);
    for (const prefix of change.prefixes ?? []) for (const key of [...local.keys()]) if (key.startsWith(prefix)) local.delete(key);
  }

  const changes = createListener(
    pubsub,
    CACHE_CHANGES_CHANNEL,
    (message) => {
      epoch++;
      const change = (message ?? {}) as Change;
      drop({ keys: Array.isArray(change.keys) ? change.keys : [], prefixes: Array.isArray(change.prefixes) ? change.prefixes : [] });
    },
    { onError: opts.onError },
  );

  let pending: { change: Required<Change>; sent: Promise<void> } | undefined;
  function announce(change: Change): Promise<void> {
    drop(change);
    if (!pending) {
      const gathered: Required<Change> = { keys: [], prefixes: [] };
      const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending = undefined;
        return pubsub.publish(CACHE_CHANGES_CHANNEL, gathered).catch((err: unknown) => opts.onError?.(err));
      });
      pending = { change: gathered, sent };
    }
    pending.change.keys.push(...(change.keys ?? []));
    pending.change.prefixes.push(...(change.prefixes ?? []));
    return pending.sent;
  }

  return {
    backend: remote.backend,
    async get<T>(key: string) {
      const listening = changes.listening();
      if (listening) {
        const hit = local.get(key);
        if (hit !== undefined) return JSON.parse(hit) as T;
      }
      const before = epoch;
      const value = await remote.get<T>(key);
      if (listening && value !== undefined && epoch === before) local.set(key, JSON.stringify(value));
      return value;
    },
    async set(key, value, ttlSeconds) {
      await remote.set(key, value, ttlSeconds);
      if (changes.listening()) local.set(key, JSON.stringify(value), { ttl: Math.min(ttlSeconds * 1000, opts.ttlMs ?? 30_000) });
    },
    async delete(key) {
      local.delete(key);
      await remote.delete(key);
      await announce({ keys: [key] });
    },
    async deletePrefix(prefix) {
      const removed = await remote.deletePrefix(prefix);
      await announce({ prefixes: [prefix] });
      return removed;
    },
    async close() {
      await changes.close();
      local.clear();
      await remote.close();
    },
  };
}
