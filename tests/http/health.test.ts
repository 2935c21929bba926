import { afterAll, describe, expect, it } from "vitest";
import { GET as fullHealth } from "~/app/api/health/full/route";
import { GET as liveness } from "~/app/api/health/route";
import { GET as metrics } from "~/app/api/metrics/route";
import { GET as monitoringQueues } from "~/app/api/monitoring/queues/route";
import { getSql } from "~/server/db/client";
import { closeInfra, createInfra } from "~/server/infra";
import { checkFullHealth } from "~/server/services/system/health";
import { servicesReady } from "../helpers/context";

const request = (path: string, headers: Record<string, string> = {}) => new Request(`http://localhost${path}`, { headers });

describe.skipIf(!servicesReady)("health, monitoring and metrics endpoints", () => {
  afterAll(() => closeInfra());

  it("answers liveness", async () => {
    const res = await liveness(request("/api/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("reports Postgres, Redis, the backends and every queue", async () => {
    const res = await fullHealth(request("/api/health/full"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: "ok",
      postgres: { ok: true, embedded: false },
      redis: { ok: true },
      backends: { queue: "redis", pubsub: "redis", cache: "redis", lock: "redis", rateLimit: "redis" },
    });
    expect(Object.keys(body.queues)).toEqual(["ingestion", "sync", "automation", "campaign", "send", "analysis"]);
    expect(body.queues.sync).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
  });

  it("says degraded, with the reason, when Redis is unreachable", async () => {
    const broken = createInfra({ redisUrl: "redis://127.0.0.1:1", prefix: "unreachable" });
    try {
      const health = await checkFullHealth({ sql: getSql(), infra: broken, redisUrl: "redis://127.0.0.1:1", embeddedDatabase: false });
      expect(health.status).toBe("degraded");
      expect(health.postgres.ok).toBe(true);
      expect(health.redis.ok).toBe(false);
      expect(health.redis.error).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
      expect(health.queues.sync).toMatchObject({ error: expect.any(String) });
    } finally {
      await broken.close();
    }
  });

  it("serves Prometheus metrics with queue depths, job timings and HTTP requests", async () => {
    const res = await metrics(request("/api/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^brandbase_queue_jobs\{queue="sync",state="waiting"\} \d+$/m);
    expect(text).toContain("# TYPE brandbase_job_duration_seconds gauge");
    expect(text).toMatch(/^brandbase_http_requests_total\{route="\/api\/health",method="GET",status="200"\} \d+$/m);
  });

  it("keeps monitoring endpoints from anonymous callers but opens them to the monitoring token", async () => {
    process.env.MONITORING_TOKEN = "monitoring-token-for-tests";
    const { resetEnvCache } = await import("~/server/env");
    resetEnvCache();
    try {
      expect((await monitoringQueues(request("/api/monitoring/queues"))).status).toBe(401);
      const res = await monitoringQueues(request("/api/monitoring/queues", { authorization: "Bearer monitoring-token-for-tests" }));
      expect(res.status).toBe(200);
      expect((await res.json()).queues).toHaveLength(6);
    } finally {
      delete process.env.MONITORING_TOKEN;
      resetEnvCache();
    }
  });
});
