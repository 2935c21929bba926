import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { registerAdminApi } from "./admin/graphql";
import { DEFAULT_API_VERSION, loadAdminSchema } from "./admin/schema";
import { BulkRunner } from "./bulk/runner";
import { registerControlApi } from "./control";
import { ShopEffects } from "./effects";
import { createControlGuard, isControlPath } from "./http/guard";
import { HttpError, Router, sendHtml, sendJson, escapeHtml } from "./http/router";
import { registerOAuth } from "./oauth";
import { defaultSpec, type StoreOptions } from "./spec";
import { type AppConfig, DEFAULT_LIMITS, type EmulatorLimits, EmulatorState } from "./state";
import { WebhookService } from "./webhooks/service";

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  apps?: AppConfig[];
  shops?: ({ domain: string; name?: string; ianaTimezone?: string } & StoreOptions)[];
  limits?: Partial<EmulatorLimits>;
  clock?: () => number;
  /** Webhook API version header. */
  apiVersion?: string;
  /** Names besides its loopback addresses that the control API answers to (the Host header it accepts). */
  allowedHosts?: string[];
}

export interface Emulator {
  url: string;
  state: EmulatorState;
  webhooks: WebhookService;
  effects: ShopEffects;
  close(): Promise<void>;
}

/** Starts a local Shopify: OAuth, Admin GraphQL, bulk operations, webhooks and the /_emulator control API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState({ ...DEFAULT_LIMITS, ...options.limits }, options.clock ?? Date.now);
  for (const app of options.apps ?? []) state.addApp(app);
  for (const shop of options.shops ?? []) state.addShop({ domain: shop.domain, name: shop.name, ianaTimezone: shop.ianaTimezone, spec: defaultSpec(shop, state.clock()) });
  const version = options.apiVersion ?? DEFAULT_API_VERSION;
  await loadAdminSchema(version); // fail at start, not on the first request

  const dir = await mkdtemp(path.join(os.tmpdir(), "brandbase-emulator-"));
  const webhooks = new WebhookService(state, version);
  const effects = new ShopEffects(state, webhooks);
  const bulk = new BulkRunner(state, dir, webhooks);
  const router = new Router();
  registerOAuth(router, state);
  registerAdminApi(router, { state, bulk, webhooks, effects });
  registerControlApi(router, { state, effects, webhooks, bulk });
  router.on("GET", "/_emulator/bulk/:shop/:file", ({ req, res, params, url }) => {
    const shop = state.shop(params.shop!);
    const id = Number(params.file!.replace(/\.jsonl$/, ""));
    // Like the storage buckets Shopify links to: `Range: bytes=N-` resumes a download.
    const from = /^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1];
    const result = shop ? bulk.download(shop, id, url.searchParams.has("partial"), from ? Number(from) : 0) : { error: 404, message: "NoSuchKey" };
    if ("error" in result) return sendHtml(res, result.error, `<?xml version="1.0"?><Error><Message>${escapeHtml(result.message)}</Message></Error>`);
    const headers = { "content-type": "application/jsonl", "content-length": result.size - result.start, "accept-ranges": "bytes" };
    if (from) res.writeHead(206, { ...headers, "content-range": `bytes ${result.start}-${result.size - 1}/${result.size}` });
    else res.writeHead(200, headers);
    result.stream.pipe(res);
    // A client that hangs up mid-file (a killed worker) releases the file and any hold on it.
    res.on("close", () => {
      if (!res.writableFinished) result.stream.destroy();
    });
  });
  router.on("GET", "/", ({ res }) => sendHtml(res, 200, landingPage(state)));

  const host = options.host ?? "127.0.0.1";
  let port = 0;
  const refuse = createControlGuard(() => ({ host, port, allowedHosts: options.allowedHosts }));
  const server: Server = createServer((req, res) => {
    if (isControlPath(new URL(req.url ?? "/", "http://emulator.local").pathname)) {
      const refusal = refuse(req);
      if (refusal) {
        req.resume(); // drain whatever body came, so the connection stays usable
        return sendJson(res, refusal.status, { error: refusal.message });
      }
    }
    router
      .handle(req, res)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { errors: "Not Found" });
      })
      .catch((err: unknown) => {
        if (res.headersSent) return res.destroy();
        if (err instanceof HttpError) return sendJson(res, err.status, err.body ?? { errors: err.message });
        console.error(err);
        sendJson(res, 500, { errors: "Internal Server Error" });
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  state.publicUrl = () => url;

  return {
    url,
    state,
    webhooks,
    effects,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await webhooks.settle();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function landingPage(state: EmulatorState): string {
  const shops = [...state.shops.values()]
    .map((s) => `<li><strong>${escapeHtml(s.domain)}</strong> — ${s.store.orderCount} orders, ${s.store.customerCount} customers, ${s.store.productCount} products · <a href="/_emulator/shops/${s.domain}/truth">truth</a> · <a href="/_emulator/shops/${s.domain}/deliveries">webhook deliveries</a></li>`)
    .join("");
  const apps = [...state.apps.values()].map((a) => `<li>${escapeHtml(a.name)} (<code>${escapeHtml(a.clientId)}</code>)</li>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shopify emulator</title><style>body{font-family:system-ui;max-width:760px;margin:40px auto;padding:0 16px;color:#303030}code{background:#f1f2f4;padding:1px 4px;border-radius:4px}</style></head>
<body><h1>Brandbase Shopify emulator</h1><p>A local Shopify for development and tests: OAuth, Admin GraphQL (${DEFAULT_API_VERSION}), bulk operations, webhooks.</p>
<h2>Shops</h2><ul>${shops || "<li>none</li>"}</ul><h2>Apps</h2><ul>${apps || "<li>none</li>"}</ul>
<p>Query with any GraphQL client: <code>POST /admin/api/${DEFAULT_API_VERSION}/graphql.json</code> with <code>X-Shopify-Access-Token</code> and <code>X-Shopify-Emulator-Shop: &lt;shop&gt;</code>; mint a token with <code>POST /_emulator/shops/&lt;shop&gt;/tokens {"clientId": "…"}</code>.</p></body></html>`;
}
