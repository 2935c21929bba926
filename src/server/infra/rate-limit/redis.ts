import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { createRedis, quitRedis } from "../redis";
import type { RateLimitPort, RateLimitRule } from "./port";

/** rate-limiter-flexible on Redis; one limiter per distinct rule. */
export function createRedisRateLimit(options: { url: string; prefix: string; connection?: Redis }): RateLimitPort {
  const redis = options.connection ?? createRedis(options.url, "command", `${options.prefix}:ratelimit`);
  const owns = !options.connection;
  const limiters = new Map<string, RateLimiterRedis>();

  function limiterFor(rule: RateLimitRule): RateLimiterRedis {
    const id = `${rule.points}/${rule.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${options.prefix}:rl:${id}`,
        points: rule.points,
        duration: rule.windowSeconds,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  }

  return {
    backend: "redis",
    async consume(key, rule, points = 1) {
      try {
        const res = await limiterFor(rule).consume(key, points);
        return { allowed: true, remaining: res.remainingPoints, retryAfterMs: 0 };
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          return { allowed: false, remaining: err.remainingPoints, retryAfterMs: err.msBeforeNext };
        }
        throw err;
      }
    },
    async close() {
      if (owns) await quitRedis(redis);
    },
  };
}
