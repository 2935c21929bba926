import { getDb } from "~/server/db/client";
import { requireSignedIn, withHttp } from "~/server/http";
import { requireBrandRole } from "~/server/services/brands/access";
import { getSyncStatus } from "~/server/services/sync/status";

export const dynamic = "force-dynamic";

/** `GET /api/sync/{brandId}/status`: signed-in members of the brand only (by id or slug). */
export const GET = withHttp("/api/sync/status", async (req: Request) => {
  const brand = new URL(req.url).pathname.split("/").at(-2) ?? "";
  const user = await requireSignedIn(req);
  const membership = await requireBrandRole({ db: getDb() }, { userId: user.id, brand, minRole: "analyst" });
  return Response.json(await getSyncStatus({ db: getDb() }, { brandId: membership.id }), { headers: { "cache-control": "no-store" } });
});
