import { preferRedis, type RedisLink } from "../failover";
import type { CachePort } from "./port";

/**
 * Redis while it is up; while it is not, every read is a miss and writes go nowhere — the near
 * cache in front (near.ts) keeps serving each process's own copies, told of deletes over pub/sub,
 * which is the in-process cache Postgres mode has. When Redis returns, what it holds may predate
 * deletes made while it was away, so this process's first act is to clear our keys there.
 */
export function createFailoverCache(link: RedisLink, redis: CachePort, onError?: (err: unknown) => void): CachePort {
  const off = link.onChange((up) => {
    if (up) redis.deletePrefix("").catch(onError);
  });
  const none = async () => undefined;
  return {
    get backend() {
      return link.up() ? redis.backend : "memory";
    },
    get: <T>(key: string) => preferRedis<T | undefined>(link, () => redis.get<T>(key), none),
    set: (key, value, ttlSeconds) => preferRedis(link, () => redis.set(key, value, ttlSeconds), none),
    delete: (key) => preferRedis(link, () => redis.delete(key), none),
    deletePrefix: (prefix) => preferRedis(link, () => redis.deletePrefix(prefix), async () => 0),
    async close() {
      off();
      await redis.close();
    },
  };
}
