import { createDeps } from "~/server/deps";
import { denyMonitoringAccess, withHttp } from "~/server/http";
import { getAllQueuesHealth } from "~/server/services/queues/health";

export const dynamic = "force-dynamic";

export const GET = withHttp("/api/monitoring/queues", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  return Response.json({ queues: await getAllQueuesHealth(createDeps().infra, { scope: "instance" }) }, { headers: { "cache-control": "no-store" } });
});
