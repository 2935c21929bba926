import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GET as fullHealth } from "~/app/api/health/full/route";
import { GET as liveness } from "~/app/api/health/route";
import { GET as metrics } from "~/app/api/metrics/route";
import { GET as monitoringQueues } from "~/app/api/monitoring/queues/route";
import { GET as monitoringStats } from "~/app/api/monitoring/stats/route";
import { getSql } from "~/server/db/client";
import { resetEnvCache } from "~/server/env";
import { closeInfra, createInfra } from "~/server/infra";
import { checkFullHealth } from "~/server/services/system/health";
import { createUser, servicesReady, sessionCookie, testBackend } from "../helpers/context";

const TOKEN = "monitoring-token-for-tests";
const request = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });
const withToken = (path: string) => request(path, { authorization: `Bearer ${TOKEN}` });

describe.skipIf(!servicesReady)("health, monitoring and metrics endpoints", () => {
  let adminCookie: string;
  let memberCookie: string;

  beforeAll(async () => {
    process.env.MONITORING_TOKEN = TOKEN;
    resetEnvCache();
    adminCookie = await sessionCookie((await createUser("monitoring-admin", { instanceAdmin: true })).email);
    memberCookie = await sessionCookie((await createUser("monitoring-member")).email);
  });
  afterAll(async () => {
    delete process.env.MONITORING_TOKEN;
    resetEnvCache();
    await closeInfra();
  });

  it("answers liveness to anyone, with nothing about the dependencies", async () => {
    const res = await liveness(request("/api/health"));
    expect(res.status).toBe(200);
    expect(Object.keys(await res.json()).sort()).toEqual(["status", "uptimeSeconds"]);
  });

  it.each([
    ["/api/health/full", fullHealth],
    ["/api/metrics", metrics],
    ["/api/monitoring/queues", monitoringQueues],
    ["/api/monitoring/stats", monitoringStats],
  ] as const)("keeps %s from anonymous callers, a wrong token and a signed-in non-administrator", async (path, handler) => {
    expect((await handler(request(path))).status).toBe(401);
    expect((await handler(request(path, { authorization: "Bearer wrong-token-0123456789" }))).status).toBe(401);
    expect((await handler(request(path, { cookie: memberCookie }))).status).toBe(401);
    // Instance administrators' sessions are let in.
    expect((await handler(request(path, { cookie: adminCookie }))).status).toBe(200);
  });

  it("reports Postgres, Redis, the backends and every queue", async () => {
    const res = await fullHealth(withToken("/api/health/full"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: "ok",
      postgres: { ok: true, embedded: false },
      mode: testBackend === "redis" ? "redis" : "postgres",
      redis: { ok: testBackend === "redis", configured: testBackend === "redis" },
      ports:
        testBackend === "redis"
          ? { queue: { backend: "redis" }, pubsub: { backend: "redis" }, cache: { backend: "redis" }, lock: { backend: "redis" }, rateLimit: { backend: "redis" } }
          : { queue: { backend: "postgres" }, pubsub: { backend: "postgres" }, cache: { backend: "memory" }, lock: { backend: "postgres" }, rateLimit: { backend: "postgres" } },
    });
    expect(Object.keys(body.queues)).toEqual(["ingestion", "sync", "automation", "campaign", "send", "analysis"]);
    expect(body.queues.sync).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
  });

  it("says degraded, with the reason from the shared connection, when Redis is unreachable — and every port answers from Postgres", async () => {
    const broken = createInfra({ redisUrl: "redis://127.0.0.1:1", databaseUrl: inject("databaseUrl"), prefix: "unreachable" });
    try {
      const health = await checkFullHealth({ sql: getSql(), infra: broken, embeddedDatabase: false });
      expect(health.status).toBe("degraded");
      expect(health.mode).toBe("degraded");
      expect(health.postgres.ok).toBe(true);
      expect(health.redis).toMatchObject({ ok: false, configured: true });
      expect(health.redis.error).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
      expect(health.ports).toEqual({ queue: { backend: "postgres" }, pubsub: { backend: "postgres" }, cache: { backend: "memory" }, lock: { backend: "postgres" }, rateLimit: { backend: "postgres" } });
      expect(health.queues.sync).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
    } finally {
      await broken.close();
    }
  });

  it("stays ready (200, degraded) while the process's Redis is away, since every port runs on Postgres", async () => {
    await closeInfra();
    const configured = process.env.REDIS_URL;
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    resetEnvCache();
    try {
      const res = await fullHealth(withToken("/api/health/full"));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "degraded", mode: "degraded", postgres: { ok: true }, redis: { ok: false, configured: true }, ports: { queue: { backend: "postgres" } } });
    } finally {
      await closeInfra();
      if (configured === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = configured;
      resetEnvCache();
    }
  });

  it("serves Prometheus metrics with queue depths, job timings and HTTP requests", async () => {
    await liveness(request("/api/health"));
    const res = await metrics(withToken("/api/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^brandbase_queue_jobs\{queue="sync",state="waiting"\} \d+$/m);
    expect(text).toContain("# TYPE brandbase_job_duration_seconds gauge");
    expect(text).toMatch(/^brandbase_http_requests_total\{route="\/api\/health",method="GET",status="200"\} \d+$/m);
  });

  it("serves instance-wide queue figures and stats to monitoring", async () => {
    const queues = await monitoringQueues(withToken("/api/monitoring/queues"));
    expect((await queues.json()).queues).toHaveLength(6);
    const res = await monitoringStats(withToken("/api/monitoring/stats"));
    expect(res.status).toBe(200);
    const stats = await res.json();
    expect(stats).toMatchObject({
      jobs: { waiting: expect.any(Number), failed: expect.any(Number), completedLastMinute: expect.any(Number), pausedQueues: expect.any(Array) },
      tenants: { brands: expect.any(Number), users: expect.any(Number) },
      process: { uptimeSeconds: expect.any(Number), rssMb: expect.any(Number) },
    });
    // The users this suite signed up are counted.
    expect(stats.tenants.users).toBeGreaterThanOrEqual(2);
  });
});
