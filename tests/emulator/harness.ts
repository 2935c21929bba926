import "@shopify/shopify-api/adapters/web-api";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiVersion, LogSeverity, type Session, shopifyApi } from "@shopify/shopify-api";
import { type Emulator, type EmulatorOptions, startEmulator } from "~/emulator";
import { routeShopifyToEmulator } from "~/server/shopify/routing";

export const SHOP = "contract-shop.myshopify.com";
export const CLIENT_ID = "contract-client";
export const CLIENT_SECRET = "contract-secret-0123456789";
export const SCOPES = ["read_orders", "write_orders", "read_customers", "write_customers", "read_products"];
export const CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
export const FIXED_END = Date.UTC(2026, 9, 1);

/** An emulator with one shop and our test app, and Shopify traffic of this process routed to it. */
export async function startHarness(overrides: Partial<EmulatorOptions> = {}, shop: Record<string, unknown> = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    apps: [{ name: "Contract App", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrls: ["https://app.test/auth/callback"], scopes: SCOPES }],
    shops: [{ domain: SHOP, seed: 7, orders: 500, customers: 120, products: 30, endAt: FIXED_END, ...shop }],
    ...overrides,
  });
  routeShopifyToEmulator(emulator.url);
  return emulator;
}

export function makeShopify() {
  return shopifyApi({
    apiKey: CLIENT_ID,
    apiSecretKey: CLIENT_SECRET,
    scopes: SCOPES,
    hostName: "app.test",
    hostScheme: "https",
    apiVersion: ApiVersion.October26,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error },
  });
}

type Shopify = ReturnType<typeof makeShopify>;

const cookieHeader = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

/** The merchant's side of OAuth: open the consent page and press Install. Returns the callback URL. */
export async function approveOnConsentPage(authorizeUrl: string): Promise<{ consentHtml: string; callbackUrl: string }> {
  const consent = await fetch(authorizeUrl, { headers: { "user-agent": CHROME_UA } });
  const consentHtml = await consent.text();
  if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}: ${consentHtml}`);
  const form = new URLSearchParams();
  for (const m of consentHtml.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.append(m[1]!.replace(/&amp;/g, "&"), m[2]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"'));
  }
  const installed = await fetch(new URL("/admin/oauth/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  if (installed.status !== 302) throw new Error(`install answered ${installed.status}: ${await installed.text()}`);
  return { consentHtml, callbackUrl: installed.headers.get("location")! };
}

/** The library's first step: the redirect to the consent page (and the state cookie it sets). */
export function beginOAuth(shopify: Shopify, online = false): Promise<Response> {
  return shopify.auth.begin({
    shop: SHOP,
    callbackPath: "/auth/callback",
    isOnline: online,
    rawRequest: new Request(`https://app.test/auth?shop=${SHOP}`, { headers: { "user-agent": CHROME_UA } }),
  });
}

/** The whole OAuth dance through the library: begin → consent → Install → callback. */
export async function installApp(shopify: Shopify, opts: { online?: boolean; expiring?: boolean } = {}): Promise<{ session: Session; consentHtml: string }> {
  const begin = await beginOAuth(shopify, opts.online);
  const { consentHtml, callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
  const { session } = await shopify.auth.callback({
    expiring: opts.expiring,
    rawRequest: new Request(callbackUrl, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }),
  });
  return { session, consentHtml };
}

export { cookieHeader };

/** A local endpoint that records webhook deliveries (raw body and headers), answering 200. */
export async function webhookReceiver(): Promise<{ url: string; received: { body: string; headers: IncomingMessage["headers"] }[]; close: () => Promise<void> }> {
  const received: { body: string; headers: IncomingMessage["headers"] }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks`, received, close: () => new Promise((r) => server.close(() => r())) };
}

export interface HoldState {
  bulkAfterObjects: number | null;
  downloadAfterLines: number | null;
  held: { bulk: { id: string; objectCount: number }[]; downloads: { operation: string; line: number }[] };
}

/** The emulator's hold points for a shop's bulk exports and downloads (control API), for tests that look at a sync mid-way. */
export function holdControl(emulatorUrl: string, shop: string) {
  const call = async (method: string, path = "", body?: unknown): Promise<HoldState> => {
    const res = await fetch(`${emulatorUrl}/_emulator/shops/${shop}/hold${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as HoldState;
    if (!res.ok) throw new Error(`${method} hold${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    set: (points: Partial<Pick<HoldState, "bulkAfterObjects" | "downloadAfterLines">>) => call("PUT", "", points),
    /** Resolves once this many exports / downloads are held (the emulator answers when they are). */
    waitFor: (want: { bulk?: number; downloads?: number; timeoutMs?: number }) => call("POST", "/wait", want),
    release: () => call("DELETE"),
    state: () => call("GET"),
  };
}
