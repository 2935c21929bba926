import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { getAuth } from "~/server/auth";
import { eq } from "drizzle-orm";
import { getDb } from "~/server/db/client";
import { user } from "~/server/db/schema";
import { createCaller } from "~/server/api/root";
import type { TRPCContext } from "~/server/api/trpc";
import { createDeps } from "~/server/deps";
import { createInfra, getInfra, type Infra } from "~/server/infra";
import { resetEnvCache } from "~/server/env";
import type { SessionUser } from "~/server/auth";

/** True when Postgres and Redis are there; suites use `describe.skipIf(!servicesReady)`. */
export const servicesReady = inject("servicesMissing") === "";

/** A queue/key prefix no other test shares. */
export function uniquePrefix(label = "t"): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * Which backends the run's suites use: `redis` (Redis in front, Postgres behind, as production
 * runs with a REDIS_URL) or `postgres` (no Redis at all). `npm test` runs chosen suites once more
 * with TEST_BACKEND=postgres (scripts/test.ts).
 */
export const testBackend: "redis" | "postgres" = process.env.TEST_BACKEND === "postgres" ? "postgres" : "redis";

export function testInfra(prefix = uniquePrefix()): Infra {
  return createInfra({ redisUrl: testBackend === "redis" ? inject("redisUrl") : undefined, databaseUrl: inject("databaseUrl"), prefix });
}

/** Signs up a fresh user through better-auth (the same path as the sign-up page). */
export async function createUser(label = "user", opts: { instanceAdmin?: boolean } = {}): Promise<SessionUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const result = await getAuth().api.signUpEmail({ body: { email, password: "correct-horse-42", name: label } });
  // Stored too, so the session (HTTP routes) says the same as the callers built from this object.
  if (opts.instanceAdmin) await getDb().update(user).set({ isInstanceAdmin: true }).where(eq(user.id, result.user.id));
  return { id: result.user.id, email, name: label, isInstanceAdmin: opts.instanceAdmin ?? false };
}

/** Signs in through better-auth as the browser would and returns the session cookie. */
export async function sessionCookie(email: string, password = "correct-horse-42"): Promise<string> {
  const res = await getAuth().api.signInEmail({ body: { email, password }, asResponse: true });
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** A tRPC caller acting as `user` (or anonymous), on the given infrastructure. */
export function callerFor(user: SessionUser | null, infra: Infra, opts: { signal?: AbortSignal } = {}) {
  const ctx: TRPCContext = { ...createDeps({ infra }), user };
  return createCaller(ctx, { signal: opts.signal });
}

/** Polls until `check` returns a truthy value (for state that changes in another process). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, opts: { timeoutMs?: number; label?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${opts.label ?? "condition"}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the sync services need, as the sync worker builds it (on the test's queues). */
export async function syncDeps(infra: Infra) {
  return createDeps({ infra });
}

/**
 * The process-wide infra (what job handlers reach through getInfra()) under a prefix of its own,
 * for tests that run workers in-process and whose handlers enqueue follow-up jobs.
 */
export function processInfra(): Infra {
  process.env.QUEUE_PREFIX = uniquePrefix();
  resetEnvCache();
  return getInfra();
}
