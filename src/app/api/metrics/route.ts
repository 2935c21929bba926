import { getMetrics, withHttp } from "~/server/http";

export const dynamic = "force-dynamic";

export const GET = withHttp("/api/metrics", async () => {
  const { contentType, body } = await getMetrics().render();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
