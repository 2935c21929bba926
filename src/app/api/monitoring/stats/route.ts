import { getDb } from "~/server/db/client";
import { denyMonitoringAccess, withHttp } from "~/server/http";
import { getInfra } from "~/server/infra";
import { getInstanceStats } from "~/server/services/system/stats";

export const dynamic = "force-dynamic";

export const GET = withHttp("/api/monitoring/stats", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  return Response.json(await getInstanceStats({ db: getDb(), queue: getInfra().queue }), { headers: { "cache-control": "no-store" } });
});
