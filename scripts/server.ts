/**
 * The web app's process: Next.js behind our own node:http server (src/server/web-server.ts), which
 * decides who the client is from the socket and TRUST_PROXY — `next start` would pass a client's own
 * X-Forwarded-For through to the app — and adds the security headers.
 *
 *   tsx scripts/server.ts          production (after `next build`)
 *   tsx scripts/server.ts --dev    development, with hot reload
 *
 * Listens on HOST (default: all interfaces) and PORT (default 3000).
 */
import path from "node:path";
import next from "next";
import { handleTrpc, TRPC_ENDPOINT } from "../src/server/api/http-handler";
import { startSessionCache } from "../src/server/auth";
import { createCollectorFromEnv } from "../src/server/collector";
import { createDeps } from "../src/server/deps";
import { getEnv } from "../src/server/env";
import { announceInfraMode } from "../src/server/infra/redis";
import { getLogger } from "../src/server/logger";
import { createWebServer } from "../src/server/web-server";

const dev = process.argv.includes("--dev");
const root = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const env = getEnv();
  await announceInfraMode(getLogger(), env.REDIS_URL);
  const host = env.HOST ?? "0.0.0.0";
  // `hostname` is what Next.js builds request URLs from (as `next start` does), not what we bind.
  const app = next({ dev, dir: root, hostname: "localhost", port: env.PORT });
  await app.prepare();
  // Sessions are answered from memory once this process hears of session changes (src/server/auth/session-cache.ts).
  void startSessionCache();
  // The event API (/v1/*) is answered here, before Next.js: see src/server/collector/collector.ts.
  const collector = createCollectorFromEnv(createDeps(), env);
  // tRPC before Next.js too (a route handler costs milliseconds per call); in development Next.js serves it, with hot reload.
  const fetchRoutes = dev ? [] : [{ prefix: `${TRPC_ENDPOINT}/`, handler: handleTrpc }];
  const server = createWebServer({
    handle: app.getRequestHandler(),
    intercept: (req, res) => collector.handle(req, res),
    fetchRoutes,
    upgrade: dev ? app.getUpgradeHandler() : undefined,
    trustProxy: env.TRUST_PROXY,
    appUrl: env.APP_URL,
    dev,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, host, resolve);
  });
  console.log(`web server listening on http://${host.includes(":") ? `[${host}]` : host}:${env.PORT} (${dev ? "development" : "production"}, trusting ${env.TRUST_PROXY} proxy hop${env.TRUST_PROXY === 1 ? "" : "s"})`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, let open requests finish; idle keep-alive sockets would hold close() forever.
    server.close(() => void Promise.all([app.close(), collector.close()]).finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
