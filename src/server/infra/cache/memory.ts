import { LRUCache } from "lru-cache";
import type { PubSubPort } from "../pubsub/port";
import { createInvalidation, dropChange } from "./invalidation";
import type { CachePort } from "./port";

/**
 * The cache when there is no shared one (Postgres only): each process keeps its own copies, in an
 * LRU bounded in bytes, each living no longer than its TTL. Deletes reach every process the way the
 * near cache's do (invalidation.ts), so a process holds nothing another one deleted, and `delete`
 * resolves once the announcement is out.
 *
 * Copies are kept and served only while this process hears the announcements: deaf, it cannot
 * know what another one deleted, so every read is a miss. Values are kept as JSON text and parsed
 * per read, so callers get a copy of their own, as from a shared cache.
 */
export function createMemoryCache(pubsub: PubSubPort, opts: { maxBytes?: number; onError?: (err: unknown) => void } = {}): CachePort {
  const local = new LRUCache<string, string>({ maxSize: opts.maxBytes ?? 32 * 2 ** 20, sizeCalculation: (v, k) => v.length + k.length });
  const changes = createInvalidation(pubsub, (change) => dropChange(local, change), { onError: opts.onError });

  return {
    backend: "memory",
    async get<T>(key: string) {
      if (!(await changes.ready())) return undefined;
      const hit = local.get(key);
      return hit === undefined ? undefined : (JSON.parse(hit) as T);
    },
    async set(key, value, ttlSeconds) {
      if (!(await changes.ready())) return;
      local.set(key, JSON.stringify(value), { ttl: Math.max(1, ttlSeconds * 1000) });
    },
    async delete(key) {
      await changes.announce({ keys: [key] });
    },
    async deletePrefix(prefix) {
      const removed = dropChange(local, { prefixes: [prefix] });
      await changes.announce({ prefixes: [prefix] });
      return removed;
    },
    async close() {
      await changes.close();
      local.clear();
    },
  };
}
