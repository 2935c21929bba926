import { createDeps } from "~/server/deps";
import { requireSignedIn, withHttp } from "~/server/http";
import { requireBrandRole } from "~/server/services/brands/access";
import { getSyncStatus } from "~/server/services/sync/status";

export const dynamic = "force-dynamic";

/** `GET /api/sync/{brandId}/status`: signed-in members of the brand only (by id or slug). */
export const GET = withHttp("/api/sync/status", async (req: Request) => {
  const brand = new URL(req.url).pathname.split("/").at(-2) ?? "";
  const user = await requireSignedIn(req);
  const deps = createDeps();
  const membership = await requireBrandRole(deps, { userId: user.id, brand, minRole: "analyst" });
  return Response.json(await getSyncStatus(deps, { brandId: membership.id }), { headers: { "cache-control": "no-store" } });
});
