import { LRUCache } from "lru-cache";
import type { PubSubPort } from "../pubsub/port";
import { createInvalidation, dropChange } from "./invalidation";
import type { CachePort } from "./port";

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
  const changes = createInvalidation(pubsub, (change) => dropChange(local, change), { onError: opts.onError });

  return {
    get backend() {
      return remote.backend;
    },
    async get<T>(key: string) {
      const listening = changes.listening();
      if (listening) {
        const hit = local.get(key);
        if (hit !== undefined) return JSON.parse(hit) as T;
      }
      const before = changes.epoch();
      const value = await remote.get<T>(key);
      if (listening && value !== undefined && changes.epoch() === before) local.set(key, JSON.stringify(value));
      return value;
    },
    async set(key, value, ttlSeconds) {
      await remote.set(key, value, ttlSeconds);
      if (changes.listening()) local.set(key, JSON.stringify(value), { ttl: Math.min(ttlSeconds * 1000, opts.ttlMs ?? 30_000) });
    },
    async delete(key) {
      local.delete(key);
      await remote.delete(key);
      await changes.announce({ keys: [key] });
    },
    async deletePrefix(prefix) {
      const removed = await remote.deletePrefix(prefix);
      await changes.announce({ prefixes: [prefix] });
      return removed;
    },
    async close() {
      await changes.close();
      local.clear();
      await remote.close();
    },
  };
}
