import { preferRedis, type RedisLink } from "../failover";
import type { RateLimitPort } from "./port";

/** Counts on Redis while it is up, on Postgres while it is not (a window's count starts afresh on a switch). */
export function createFailoverRateLimit(link: RedisLink, redis: RateLimitPort, postgres: RateLimitPort): RateLimitPort {
  return {
    get backend() {
      return link.up() ? redis.backend : postgres.backend;
    },
    consume: (key, rule, points) => preferRedis(link, () => redis.consume(key, rule, points), () => postgres.consume(key, rule, points)),
    async close() {
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
}
