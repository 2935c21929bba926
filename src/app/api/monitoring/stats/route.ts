import { createDeps } from "~/server/deps";
import { denyMonitoringAccess, withHttp } from "~/server/http";
import { getInstanceStats } from "~/server/services/system/stats";

export const dynamic = "force-dynamic";

export const GET = withHttp("/api/monitoring/stats", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  const { db, infra } = createDeps();
  return Response.json(await getInstanceStats({ db, queue: infra.queue }), { headers: { "cache-control": "no-store" } });
});
