import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { serveWithFetchHandler } from "./fetch-bridge";
import { getLogger } from "./logger";
import { securityHeaders } from "./security-headers";
import { CLIENT_IP_HEADER, type ClientOrigin, resolveClientOrigin } from "./trusted-proxy";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;

/**
 * Rewrites the headers that say who the client is before the app sees them: the client address and
 * scheme are computed from the socket (and TRUST_PROXY hops) and written over whatever the client sent
 * in X-Brandbase-Client-Ip, X-Forwarded-For and X-Forwarded-Proto. Without trusted proxies the other
 * forwarding headers are dropped too (Next.js would otherwise believe a client's X-Forwarded-Host).
 */
export function rewriteForwardingHeaders(req: IncomingMessage, trustProxy: number): ClientOrigin {
  const origin = resolveClientOrigin({
    socketAddress: req.socket.remoteAddress,
    encrypted: Boolean((req.socket as TLSSocket).encrypted),
    forwardedFor: req.headers["x-forwarded-for"],
    forwardedProto: req.headers["x-forwarded-proto"],
    trustProxy,
  });
  req.headers[CLIENT_IP_HEADER] = origin.ip;
  req.headers["x-forwarded-for"] = origin.ip;
  req.headers["x-forwarded-proto"] = origin.proto;
  delete req.headers["x-real-ip"];
  if (trustProxy <= 0) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    delete req.headers.forwarded;
  }
  return origin;
}

/**
 * The web app's HTTP server: every request gets trusted forwarding headers and our security headers,
 * then goes to `handle` (Next.js's request handler). `scripts/server.ts` runs it for `npm start`,
 * `npm run dev`, `npm run web` and the Docker image.
 */
export function createWebServer(opts: {
  handle: RequestHandler;
  /** Answers first, when it takes the request (the event API's lean path); Next.js gets the rest. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Paths (by prefix) served by a web Request → Response handler before Next.js, with the security headers (tRPC). */
  fetchRoutes?: { prefix: string; handler: (req: Request) => Promise<Response> }[];
  upgrade?: UpgradeHandler;
  trustProxy: number;
  appUrl: string;
  dev: boolean;
}): Server {
  const appIsHttps = opts.appUrl.startsWith("https://");
  const server = createServer((req, res) => {
    const origin = rewriteForwardingHeaders(req, opts.trustProxy);
    if (opts.intercept?.(req, res)) return;
    for (const [name, value] of Object.entries(securityHeaders({ https: appIsHttps || origin.proto === "https", dev: opts.dev }))) res.setHeader(name, value);
    const route = opts.fetchRoutes?.find((r) => req.url?.startsWith(r.prefix));
    Promise.resolve(route ? serveWithFetchHandler(route.handler, req, res) : opts.handle(req, res)).catch((err: unknown) => {
      getLogger().error({ err, path: req.url?.split("?")[0] }, "request handler failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error");
    });
  });
  if (opts.upgrade) {
    const upgrade = opts.upgrade;
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      rewriteForwardingHeaders(req, opts.trustProxy);
      void Promise.resolve(upgrade(req, socket, head)).catch(() => socket.destroy());
    });
  }
  return server;
}
