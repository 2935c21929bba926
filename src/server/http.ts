import { timingSafeEqual } from "node:crypto";
import { getSessionUser, type SessionUser } from "./auth";
import { getEnv } from "./env";
import { APP_ERROR_HTTP, AppError, isAppError } from "./errors";
import { getInfra } from "./infra";
import { getLogger } from "./logger";
import { createMetrics, type Metrics } from "./services/system/metrics";

const globalForMetrics = globalThis as unknown as { __brandbaseMetrics?: Metrics };

export function getMetrics(): Metrics {
  globalForMetrics.__brandbaseMetrics ??= createMetrics({ queue: () => getInfra().queue });
  return globalForMetrics.__brandbaseMetrics;
}

type Handler = (req: Request) => Promise<Response> | Response;

/**
 * Wraps a route handler: request metrics; an AppError thrown by a service becomes its HTTP status
 * with the message (and field errors); anything else a JSON 500 (logged, no internals).
 */
export function withHttp(route: string, handler: Handler): (req: Request) => Promise<Response> {
  return async (req: Request) => {
    const started = performance.now();
    let status = 500;
    try {
      const res = await handler(req);
      status = res.status;
      return res;
    } catch (err) {
      if (isAppError(err)) {
        status = APP_ERROR_HTTP[err.code];
        return Response.json({ error: err.message, ...(err.fields ? { fields: err.fields } : {}) }, { status, headers: { "cache-control": "no-store" } });
      }
      getLogger().error({ err, route, method: req.method }, "request failed");
      return Response.json({ error: "Internal error" }, { status: 500 });
    } finally {
      getMetrics().observeHttp(route, req.method, status, (performance.now() - started) / 1000);
    }
  };
}

/** The signed-in user of a route handler's request; UNAUTHORIZED otherwise. */
export async function requireSignedIn(req: Request): Promise<SessionUser> {
  const user = await getSessionUser(req.headers);
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  return user;
}

/**
 * Monitoring endpoints answer instance administrators (by session) and scrapers holding
 * MONITORING_TOKEN; anyone else gets 401 without learning anything.
 */
export async function denyMonitoringAccess(req: Request): Promise<Response | null> {
  const token = getEnv().MONITORING_TOKEN;
  const bearer = req.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
  if (token && bearer && safeEqual(bearer, token)) return null;
  const user = await getSessionUser(req.headers);
  if (user?.isInstanceAdmin) return null;
  return Response.json({ error: "Monitoring needs an instance administrator's session or the MONITORING_TOKEN bearer token" }, { status: 401 });
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
