import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { withHttp } from "~/server/http";
import { findMembership } from "~/server/services/brands/brands";
import { getDataRequestExport } from "~/server/services/compliance/compliance";

export const dynamic = "force-dynamic";

/** `GET /api/data-requests/{id}?brand=…`: a customer's data export, for the brand's owners. */
export const GET = withHttp("/api/data-requests", async (req: Request) => {
  const url = new URL(req.url);
  const id = url.pathname.split("/").pop() ?? "";
  const user = await getSessionUser(req.headers);
  if (!user) return Response.json({ error: "Sign in to continue" }, { status: 401 });
  const deps = createDeps();
  const membership = await findMembership(deps, { userId: user.id, brand: url.searchParams.get("brand") ?? "" });
  if (membership?.role !== "owner") return Response.json({ error: "Only the brand's owners can download data requests" }, { status: 403 });
  if (!/^[0-9a-f-]{36}$/i.test(id)) return Response.json({ error: "No such data request" }, { status: 404 });
  const row = await getDataRequestExport(deps, { brandId: membership.id, id });
  if (!row) return Response.json({ error: "No such data request" }, { status: 404 });
  return new Response(JSON.stringify(row.export, null, 2), {
    headers: { "content-type": "application/json", "content-disposition": `attachment; filename="data-request-${row.customerShopifyId}.json"`, "cache-control": "no-store" },
  });
});
