import { createDeps } from "~/server/deps";
import { withHttp } from "~/server/http";
import { checkFullHealth } from "~/server/services/system/health";

export const dynamic = "force-dynamic";

/** Readiness: Postgres, Redis and every queue; 503 when a dependency is down. */
export const GET = withHttp("/api/health/full", async () => {
  const { sql, infra, env } = createDeps();
  const health = await checkFullHealth({ sql, infra, redisUrl: env.REDIS_URL, embeddedDatabase: env.databaseEmbedded });
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
