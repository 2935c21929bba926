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

export const REDIS_HELP =
  "Start one with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no " +
  "(or set REDIS_URL to a reachable Redis).";
