import { denyMonitoringAccess, getMetrics, withHttp } from "~/server/http";

export const dynamic = "force-dynamic";

/** Prometheus metrics (instance-wide queue figures): monitoring access only. */
export const GET = withHttp("/api/metrics", async (req: Request) => {
  const denied = await denyMonitoringAccess(req);
  if (denied) return denied;
  const { contentType, body } = await getMetrics().render();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
