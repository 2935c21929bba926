import type { Redis } from "ioredis";
import { createRedis, quitRedis } from "../redis";
import type { CachePort } from "./port";

export function createRedisCache(options: { url: string; prefix: string; connection?: Redis }): CachePort {
  const redis = options.connection ?? createRedis(options.url, "command", `${options.prefix}:cache`);
  const owns = !options.connection;
  const key = (k: string) => `${options.prefix}:cache:${k}`;

  return {
    backend: "redis",
    async get<T>(k: string) {
      const raw = await redis.get(key(k));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(k, value, ttlSeconds) {
      await redis.set(key(k), JSON.stringify(value), "EX", Math.max(1, Math.round(ttlSeconds)));
    },
    async delete(k) {
      await redis.del(key(k));
    },
    async deletePrefix(prefix) {
      let removed = 0;
      const stream = redis.scanStream({ match: `${key(prefix)}*`, count: 500 });
      for await (const keys of stream as AsyncIterable<string[]>) {
        if (keys.length) removed += await redis.unlink(...keys);
      }
      return removed;
    },
    async close() {
      if (owns) await quitRedis(redis);
    },
  };
}
