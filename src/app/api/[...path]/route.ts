import { withHttp } from "~/server/http";

export const dynamic = "force-dynamic";

/**
 * Any `/api/*` path no route handles: a JSON 404 for programs, not the HTML page meant for people.
 * (More specific routes always win over this catch-all.)
 */
const notFound = withHttp("/api/[unknown]", (req: Request) =>
  Response.json({ error: `No API endpoint at ${new URL(req.url).pathname}` }, { status: 404, headers: { "cache-control": "no-store" } }),
);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as HEAD, notFound as OPTIONS };
