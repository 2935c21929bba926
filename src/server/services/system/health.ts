import type { Sql } from "../../db/client";
import type { Infra, InfraMode } from "../../infra";
import type { QueueCounts } from "../../infra/queue/port";
import { QUEUE_NAMES } from "../../jobs/contracts";

export interface DependencyStatus {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

type PortName = "queue" | "pubsub" | "cache" | "lock" | "rateLimit";

export interface FullHealth {
  /** degraded: a dependency is down — Postgres, or a configured Redis (the ports then run on Postgres). */
  status: "ok" | "degraded";
  /** redis: Redis in front of Postgres; degraded: Redis configured but away, running on Postgres; postgres: no Redis configured. */
  mode: InfraMode;
  postgres: DependencyStatus & { embedded: boolean };
  redis: DependencyStatus & { configured: boolean };
  /** Which backend each port runs on now. */
  ports: Record<PortName, { backend: string }>;
  queues: Record<string, QueueCounts | { error: string }>;
  checkedAt: string;
}

async function timed(check: () => Promise<unknown>, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}

export interface InfraStatus {
  mode: InfraMode;
  ports: Record<PortName, { backend: string }>;
}

/** Which backend each port runs on now (no round trip: the Redis link's state as last seen). */
export function infraStatus(infra: Infra): InfraStatus {
  return {
    mode: infra.mode(),
    ports: {
      queue: { backend: infra.queue.backend },
      pubsub: { backend: infra.pubsub.backend },
      cache: { backend: infra.cache.backend },
      lock: { backend: infra.lock.backend },
      rateLimit: { backend: infra.rateLimit.backend },
    },
  };
}

/** Checks every dependency with a short timeout each; never throws. */
export async function checkFullHealth(deps: { sql: Sql; infra: Infra; embeddedDatabase: boolean }): Promise<FullHealth> {
  const timeoutMs = 2_000;
  const { infra } = deps;
  const [postgres, redis] = await Promise.all([
    timed(() => deps.sql`select 1`, timeoutMs),
    infra.redisConfigured ? timed(() => infra.ping(), timeoutMs) : Promise.resolve({ ok: false, latencyMs: 0, error: "REDIS_URL is not set (Postgres mode)" }),
  ]);
  // In the contracts' order, whichever answers first.
  const queues: FullHealth["queues"] = Object.fromEntries(
    await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        let counts: QueueCounts | undefined;
        const result = await timed(async () => (counts = await infra.queue.counts(name)), timeoutMs);
        return [name, result.ok && counts ? counts : { error: result.error ?? "unavailable" }] as const;
      }),
    ),
  );
  return {
    status: postgres.ok && (redis.ok || !infra.redisConfigured) ? "ok" : "degraded",
    ...infraStatus(infra),
    postgres: { ...postgres, embedded: deps.embeddedDatabase },
    redis: { ...redis, configured: infra.redisConfigured },
    queues,
    checkedAt: new Date().toISOString(),
  };
}
