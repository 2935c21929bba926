import { preferRedis, type RedisLink } from "../failover";
import { acquireWithin, type LockPort } from "./port";

/**
 * Locks on Redis while it is up, advisory locks on Postgres while it is not. A Redis lease held when
 * Redis goes away is lost like an expired one: its `extend` says false, so the holder stops.
 */
export function createFailoverLock(link: RedisLink, redis: LockPort, postgres: LockPort): LockPort {
  const port: LockPort = {
    get backend() {
      return link.up() ? redis.backend : postgres.backend;
    },
    tryAcquire: (key, ttlMs) => preferRedis(link, () => redis.tryAcquire(key, ttlMs), () => postgres.tryAcquire(key, ttlMs)),
    async withLock(key, opts, fn) {
      const lock = await acquireWithin(port, key, opts.ttlMs, opts.waitMs);
      try {
        return await fn(lock);
      } finally {
        await lock.release().catch(() => {});
      }
    },
    async close() {
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
  return port;
}
