import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { withHttp } from "~/server/http";
import { findMembership } from "~/server/services/brands/brands";
import { getSyncStatus } from "~/server/services/sync/status";

export const dynamic = "force-dynamic";

/** `GET /api/sync/{brandId}/status`: signed-in members of the brand only (by id or slug). */
export const GET = withHttp("/api/sync/status", async (req: Request) => {
  const brand = new URL(req.url).pathname.split("/").at(-2) ?? "";
  const user = await getSessionUser(req.headers);
  if (!user) return Response.json({ error: "Sign in to continue" }, { status: 401 });
  const deps = createDeps();
  const membership = await findMembership(deps, { userId: user.id, brand });
  if (!membership) return Response.json({ error: "You are not a member of this brand" }, { status: 403 });
  return Response.json(await getSyncStatus(deps, { brandId: membership.id }), { headers: { "cache-control": "no-store" } });
});
