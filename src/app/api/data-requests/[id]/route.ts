import { createDeps } from "~/server/deps";
import { requireSignedIn, withHttp } from "~/server/http";
import { requireBrandRole } from "~/server/services/brands/access";
import { getDataRequestExport } from "~/server/services/compliance/compliance";

export const dynamic = "force-dynamic";

/** `GET /api/data-requests/{id}?brand=…`: a customer's data export, for the brand's owners. */
export const GET = withHttp("/api/data-requests", async (req: Request) => {
  const url = new URL(req.url);
  const id = url.pathname.split("/").pop() ?? "";
  const user = await requireSignedIn(req);
  const deps = createDeps();
  const membership = await requireBrandRole(deps, { userId: user.id, brand: url.searchParams.get("brand") ?? "", minRole: "owner", action: "download data requests" });
  const row = await getDataRequestExport(deps, { brandId: membership.id, id });
  return new Response(JSON.stringify(row.export, null, 2), {
    headers: { "content-type": "application/json", "content-disposition": `attachment; filename="data-request-${row.customerShopifyId}.json"`, "cache-control": "no-store" },
  });
});
