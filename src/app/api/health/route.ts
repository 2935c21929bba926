import { withHttp } from "~/server/http";

export const dynamic = "force-dynamic";

/** Liveness: the web process answers. Dependencies are checked at /api/health/full. */
export const GET = withHttp("/api/health", () => Response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
