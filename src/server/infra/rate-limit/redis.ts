import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { createRedis, quitRedis } from "../redis";
import { consumeFrom, limitersByRule } from "./flexible";
import type { RateLimitPort } from "./port";

/** rate-limiter-flexible on Redis; one limiter per distinct rule. */
export function createRedisRateLimit(options: { url: string; prefix: string; connection?: Redis }): RateLimitPort {
  const redis = options.connection ?? createRedis(options.url, "command", `${options.prefix}:ratelimit`);
  const owns = !options.connection;
  const limiterFor = limitersByRule((rule, id) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.prefix}:rl:${id}`, points: rule.points, duration: rule.windowSeconds }));

  return {
    backend: "redis",
    consume: (key, rule, points = 1) => consumeFrom(limiterFor(rule), key, points),
    async close() {
      if (owns) await quitRedis(redis);
    },
  };
}
