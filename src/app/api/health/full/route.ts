import { getSql } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { withHttp } from "~/server/http";
import { getInfra } from "~/server/infra";
import { checkFullHealth } from "~/server/services/system/health";

export const dynamic = "force-dynamic";

/** Readiness: Postgres, Redis and every queue; 503 when a dependency is down. */
export const GET = withHttp("/api/health/full", async () => {
  const env = getEnv();
  const health = await checkFullHealth({ sql: getSql(), infra: getInfra(), redisUrl: env.REDIS_URL, embeddedDatabase: env.databaseEmbedded });
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
