import { preferRedis, type RedisLink } from "../failover";
import { type LockPort, runLocked } from "./port";

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
    withLock: (key, opts, fn) => runLocked(port, key, opts, fn),
    async close() {
      await Promise.all([redis.close(), postgres.close()]);
    },
  };
  return port;
}
