import type { Sql } from "../../db/client";
import type { Infra } from "../../infra";
import type { QueueCounts } from "../../infra/queue/port";
import { QUEUE_NAMES } from "../../jobs/contracts";

export interface DependencyStatus {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface FullHealth {
  status: "ok" | "degraded";
  postgres: DependencyStatus & { embedded: boolean };
  redis: DependencyStatus;
  backends: { queue: string; pubsub: string; cache: string; lock: string; rateLimit: string };
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

/** Checks every dependency with a short timeout each; never throws. */
export async function checkFullHealth(deps: { sql: Sql; infra: Infra; embeddedDatabase: boolean }): Promise<FullHealth> {
  const timeoutMs = 2_000;
  const [postgres, redis] = await Promise.all([
    timed(() => deps.sql`select 1`, timeoutMs),
    timed(() => deps.infra.ping(), timeoutMs),
  ]);
  const queues: FullHealth["queues"] = {};
  await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const result = await timed(async () => {
        queues[name] = await deps.infra.queue.counts(name);
      }, timeoutMs);
      if (!result.ok) queues[name] = { error: result.error ?? "unavailable" };
    }),
  );
  const { infra } = deps;
  return {
    status: postgres.ok && redis.ok ? "ok" : "degraded",
    postgres: { ...postgres, embedded: deps.embeddedDatabase },
    redis,
    backends: {
      queue: infra.queue.backend,
      pubsub: infra.pubsub.backend,
      cache: infra.cache.backend,
      lock: infra.lock.backend,
      rateLimit: infra.rateLimit.backend,
    },
    queues,
    checkedAt: new Date().toISOString(),
  };
}
