import { getEnv } from "../env";
import { withNearCache } from "./cache/near";
import type { CachePort } from "./cache/port";
import { createRedisCache } from "./cache/redis";
import type { LockPort } from "./lock/port";
import { createRedisLock } from "./lock/redis";
import type { PubSubPort } from "./pubsub/port";
import { createRedisPubSub } from "./pubsub/redis";
import type { QueuePort } from "./queue/port";
import { createRedisQueue } from "./queue/redis";
import type { RateLimitPort } from "./rate-limit/port";
import { createRedisRateLimit } from "./rate-limit/redis";
import { createRedis, quitRedis } from "./redis";

export interface Infra {
  queue: QueuePort;
  pubsub: PubSubPort;
  cache: CachePort;
  lock: LockPort;
  rateLimit: RateLimitPort;
  /** Which backend carries queues, pub/sub and locks. */
  backend: "redis" | "postgres";
  /** Checks the backend answers, on the connection the ports already share (no new connection per check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds every port over one shared command connection. Today only the Redis adapters exist;
 * the Postgres ones slot in here, chosen by configuration, without callers changing.
 */
export function createInfra(options: { redisUrl: string; prefix: string }): Infra {
  const connection = createRedis(options.redisUrl, "command", `${options.prefix}:shared`);
  // Each call reports its own failure; the last connection error says why (e.g. ECONNREFUSED).
  let lastError: Error | undefined;
  connection.on("error", (err: Error) => (lastError = err));
  connection.on("ready", () => (lastError = undefined));
  const shared = { url: options.redisUrl, prefix: options.prefix, connection };
  const queue = createRedisQueue(shared);
  const pubsub = createRedisPubSub(shared);
  // Each process keeps what it read (a Customer360 hit costs no round trip), told of deletes over pub/sub.
  const cache = withNearCache(createRedisCache(shared), pubsub);
  const lock = createRedisLock(shared);
  const rateLimit = createRedisRateLimit(shared);
  return {
    queue,
    pubsub,
    cache,
    lock,
    rateLimit,
    backend: "redis",
    async ping() {
      try {
        await connection.ping();
      } catch (err) {
        throw lastError ?? err;
      }
    },
    async close() {
      await Promise.all([queue.close(), pubsub.close(), cache.close(), lock.close(), rateLimit.close()]);
      await quitRedis(connection);
    },
  };
}

const globalForInfra = globalThis as unknown as { __brandbaseInfra?: Infra };

/** The process-wide infrastructure, configured from the environment. */
export function getInfra(): Infra {
  const env = getEnv();
  globalForInfra.__brandbaseInfra ??= createInfra({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  return globalForInfra.__brandbaseInfra;
}

export async function closeInfra(): Promise<void> {
  const infra = globalForInfra.__brandbaseInfra;
  globalForInfra.__brandbaseInfra = undefined;
  await infra?.close();
}
