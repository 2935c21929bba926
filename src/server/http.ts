import { timingSafeEqual } from "node:crypto";
import { getSessionUser } from "./auth";
import { getEnv } from "./env";
import { getInfra } from "./infra";
import { getLogger } from "./logger";
import { createMetrics, type Metrics } from "./services/system/metrics";

const globalForMetrics = globalThis as unknown as { __brandbaseMetrics?: Metrics };

export function getMetrics(): Metrics {
  globalForMetrics.__brandbaseMetrics ??= createMetrics({ queue: () => getInfra().queue });
  return globalForMetrics.__brandbaseMetrics;
}

type Handler = (req: Request) => Promise<Response> | Response;

/** Wraps a route handler: request metrics, and a JSON 500 (logged, no internals) for anything thrown. */
export function withHttp(route: string, handler: Handler): (req: Request) => Promise<Response> {
  return async (req: Request) => {
    const started = performance.now();
    let status = 500;
    try {
      const res = await handler(req);
      status = res.status;
      return res;
    } catch (err) {
      getLogger().error({ err, route, method: req.method }, "request failed");
      return Response.json({ error: "Internal error" }, { status: 500 });
    } finally {
      getMetrics().observeHttp(route, req.method, status, (performance.now() - started) / 1000);
    }
  };
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
