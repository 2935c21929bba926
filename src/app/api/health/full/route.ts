import { createDeps } from "~/server/deps";
import { denyMonitoringAccess, withHttp } from "~/server/http";
import { checkFullHealth } from "~/server/services/system/health";

export const dynamic = "force-dynamic";

/** Readiness: Postgres, Redis and every queue; 503 when a dependency is down. Monitoring access only. */
export const GET = withHttp("/api/health/full", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  const { sql, infra, env } = createDeps();
  const health = await checkFullHealth({ sql, infra, embeddedDatabase: env.databaseEmbedded });
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
