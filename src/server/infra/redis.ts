import { Redis, type RedisOptions } from "ioredis";

export type RedisRole = "command" | "blocking" | "subscriber";

/**
 * Connections by role. Producers and plain commands fail fast (one retry, no offline queue) so a
 * missing Redis shows up as an error instead of a hang; blocking connections (BullMQ workers)
 * must retry forever (`maxRetriesPerRequest: null`).
 */
export function createRedis(url: string, role: RedisRole, name?: string): Redis {
  const base: RedisOptions = { connectionName: name, lazyConnect: false };
  const byRole: Record<RedisRole, RedisOptions> = {
    command: { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2_000 },
    blocking: { maxRetriesPerRequest: null, enableReadyCheck: false },
    subscriber: { maxRetriesPerRequest: null },
  };
  return new Redis(url, { ...base, ...byRole[role] });
}

/** Checks reachability with a short timeout; never throws. */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<{ ok: true } | { ok: false; error: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause: Error | undefined;
  client.on("error", (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (err) {
    // connect() rejects with a bare "Connection is closed."; the error event has the reason.
    const reason = cause ?? (err instanceof Error ? err : new Error(String(err)));
    return { ok: false, error: reason.message };
  } finally {
    client.disconnect();
  }
}

export async function quitRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** A Redis URL fit for logs: its credentials hidden. */
export const redactUrl = (url: string) => url.replace(/\/\/[^@]*@/, "//***@");

/**
 * Says once, at a process's start, which backend its ports begin on: Redis (it answers), Postgres
 * by choice (no REDIS_URL), or Postgres until Redis answers (configured but unreachable).
 */
export async function announceInfraMode(log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }, redisUrl: string | undefined): Promise<"redis" | "postgres" | "degraded"> {
  if (!redisUrl) {
    log.info({ backend: "postgres" }, "REDIS_URL is not set: Postgres mode (queues, pub/sub, locks and rate limits on Postgres; an in-process cache)");
    return "postgres";
  }
  const redis = await pingRedis(redisUrl);
  if (redis.ok) {
    log.info({ backend: "redis", redisUrl: redactUrl(redisUrl) }, "Redis answers: the ports run on Redis, with Postgres behind them");
    return "redis";
  }
  log.warn({ backend: "postgres", redisUrl: redactUrl(redisUrl), error: redis.error }, "Redis is unreachable: running on Postgres until it answers");
  return "degraded";
}
