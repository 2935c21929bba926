import postgres from "postgres";
import { getEnv } from "../env";
import { getLogger } from "../logger";
import { createFailoverCache } from "./cache/failover";
import { createMemoryCache } from "./cache/memory";
import { withNearCache } from "./cache/near";
import type { CachePort } from "./cache/port";
import { createRedisCache } from "./cache/redis";
import { createRedisLink, type RedisLink } from "./failover";
import { createFailoverLock } from "./lock/failover";
import type { LockPort } from "./lock/port";
import { createPostgresLock } from "./lock/postgres";
import { createRedisLock } from "./lock/redis";
import { createFailoverPubSub } from "./pubsub/failover";
import type { PubSubPort } from "./pubsub/port";
import { createPostgresPubSub } from "./pubsub/postgres";
import { createRedisPubSub } from "./pubsub/redis";
import { createFailoverQueue } from "./queue/failover";
import type { QueuePort } from "./queue/port";
import { createPostgresQueue } from "./queue/postgres";
import { createRedisQueue } from "./queue/redis";
import { createFailoverRateLimit } from "./rate-limit/failover";
import type { RateLimitPort } from "./rate-limit/port";
import { createPostgresRateLimit } from "./rate-limit/postgres";
import { createRedisRateLimit } from "./rate-limit/redis";
import { createRedis, quitRedis } from "./redis";

/**
 * - `redis`: REDIS_URL is set and Redis answers; Postgres stands behind every port.
 * - `degraded`: REDIS_URL is set but Redis is away; every port runs on Postgres until it returns.
 * - `postgres`: no REDIS_URL; Postgres alone, by choice.
 */
export type InfraMode = "redis" | "degraded" | "postgres";

export interface Infra {
  queue: QueuePort;
  pubsub: PubSubPort;
  cache: CachePort;
  lock: LockPort;
  rateLimit: RateLimitPort;
  /** Which backend carries the ports now. */
  readonly backend: "redis" | "postgres";
  readonly redisConfigured: boolean;
  mode(): InfraMode;
  /** Told when Redis goes away (false) and comes back (true); never called in Postgres mode. */
  onRedisChange(listener: (up: boolean) => void): () => void;
  /** Checks Redis answers on the connection the ports share; throws why not. Resolves at once without Redis configured. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface InfraOptions {
  /** Unset: Postgres mode. */
  redisUrl?: string;
  databaseUrl: string;
  prefix: string;
}

/**
 * Builds every port. Postgres adapters always exist (pg-boss, LISTEN/NOTIFY, advisory locks,
 * rate-limiter-flexible's Postgres store); with a REDIS_URL, Redis adapters stand in front of them
 * and each call goes to Redis while it answers and to Postgres while it does not.
 */
export function createInfra(options: InfraOptions): Infra {
  const log = getLogger().child({ component: "infra" });
  const onError = (err: unknown) => log.warn({ err }, "infrastructure call failed");
  // The ports' own small pool (rate limits, large pub/sub payloads); the lock port and LISTEN each keep one connection of their own besides.
  const sql = postgres(options.databaseUrl, { max: 4, idle_timeout: 30, onnotice: () => {}, connection: { application_name: `${process.env.BRANDBASE_SERVICE ?? "brandbase"}:infra` } });
  const onPostgres = {
    queue: createPostgresQueue({ url: options.databaseUrl, prefix: options.prefix, onError }),
    pubsub: createPostgresPubSub({ sql, prefix: options.prefix }),
    lock: createPostgresLock({ sql, prefix: options.prefix }),
    rateLimit: createPostgresRateLimit({ sql, prefix: options.prefix }),
  };
  const closeSql = () => sql.end({ timeout: 5 });
  if (!options.redisUrl) {
    const ports = { ...onPostgres, cache: createMemoryCache(onPostgres.pubsub, { onError }) };
    return assemble(ports, { link: undefined, ping: async () => {}, close: closeSql });
  }

  const connection = createRedis(options.redisUrl, "command", `${options.prefix}:shared`);
  const link = createRedisLink(connection);
  let answered = false;
  const offLog = link.onChange((up) => {
    if (!up) log.warn({ reason: link.lastError()?.message }, "Redis went away: the ports run on Postgres until it returns");
    else if (answered) log.info("Redis is back: the ports return to it");
    else if (link.lastError()) log.info("Redis answers now: the ports move to it");
    answered ||= up;
  });
  const shared = { url: options.redisUrl, prefix: options.prefix, connection };
  const pubsub = createFailoverPubSub(link, createRedisPubSub(shared), onPostgres.pubsub, onError);
  const ports = {
    queue: createFailoverQueue(link, createRedisQueue(shared), onPostgres.queue, onError),
    pubsub,
    // Each process keeps what it read (a Customer360 hit costs no round trip), told of deletes over pub/sub.
    cache: withNearCache(createFailoverCache(link, createRedisCache(shared), onError), pubsub),
    lock: createFailoverLock(link, createRedisLock(shared), onPostgres.lock),
    rateLimit: createFailoverRateLimit(link, createRedisRateLimit(shared), onPostgres.rateLimit),
  };
  return assemble(ports, {
    link,
    async ping() {
      try {
        await connection.ping();
      } catch (err) {
        // The command's own error is generic ("max retries"); the connection's last error says why.
        throw link.lastError() ?? err;
      }
    },
    async close() {
      offLog();
      await quitRedis(connection);
      await closeSql();
    },
  });
}

function assemble(
  ports: { queue: QueuePort; pubsub: PubSubPort; cache: CachePort; lock: LockPort; rateLimit: RateLimitPort },
  parts: { link: RedisLink | undefined; ping: () => Promise<void>; close: () => Promise<void> },
): Infra {
  const { link } = parts;
  return {
    ...ports,
    get backend() {
      return link?.up() ? "redis" : "postgres";
    },
    redisConfigured: link !== undefined,
    mode: () => (!link ? "postgres" : link.up() ? "redis" : "degraded"),
    onRedisChange: (listener) => link?.onChange(listener) ?? (() => {}),
    ping: parts.ping,
    async close() {
      await Promise.all([ports.queue.close(), ports.pubsub.close(), ports.cache.close(), ports.lock.close(), ports.rateLimit.close()]);
      await parts.close();
    },
  };
}

const globalForInfra = globalThis as unknown as { __brandbaseInfra?: Infra };

/** The process-wide infrastructure, configured from the environment. */
export function getInfra(): Infra {
  const env = getEnv();
  globalForInfra.__brandbaseInfra ??= createInfra({ redisUrl: env.REDIS_URL, databaseUrl: env.DATABASE_URL, prefix: env.QUEUE_PREFIX });
  return globalForInfra.__brandbaseInfra;
}

export async function closeInfra(): Promise<void> {
  const infra = globalForInfra.__brandbaseInfra;
  globalForInfra.__brandbaseInfra = undefined;
  await infra?.close();
}
