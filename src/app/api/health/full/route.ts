import { createDeps } from "~/server/deps";
import { denyMonitoringAccess, withHttp } from "~/server/http";
import { checkFullHealth } from "~/server/services/system/health";

export const dynamic = "force-dynamic";

/**
 * Readiness: Postgres, Redis and every queue. 503 when Postgres is down (nothing works without it);
 * a Redis outage answers 200 with `"status": "degraded"`, since the product runs on Postgres
 * meanwhile and taking the instance out of service would only make it worse. Monitoring access only.
 */
export const GET = withHttp("/api/health/full", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  const { sql, infra, env } = createDeps();
  const health = await checkFullHealth({ sql, infra, embeddedDatabase: env.databaseEmbedded });
  return Response.json(health, { status: health.postgres.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
