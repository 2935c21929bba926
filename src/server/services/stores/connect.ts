import { createHmac, timingSafeEqual } from "node:crypto";
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { JobProducer } from "../../jobs/queue";
import type { PubSubPort } from "../../infra/pubsub/port";
import { getLogger, type Logger } from "../../logger";
import { stores } from "../../db/schema";
import { AppError, isAppError } from "../../errors";
import { CALLBACK_PATH, type Shopify } from "../../shopify/api";
import { browserShopifyUrl } from "../../shopify/routing";
import { requireBrandChild, requireBrandRole } from "../brands/access";
import { isHttpsRequest, withSecureAttribute } from "../../trusted-proxy";
import { startHistorySync, stopHistorySync } from "../sync/history";
import { isTimeZone } from "~/lib/time-zone";
import { storeCounts } from "./counts";
import { mayBecome } from "./status-rules";

/** Carries who started a connection, for which brand and shop, from the install redirect to the callback. */
export const CONNECT_COOKIE = "bb_shopify_connect";
const CONNECT_TTL_MS = 10 * 60 * 1000;

/**
 * The connect cookie's Set-Cookie (an empty value with maxAge 0 clears it). Secure when the request
 * came over https — APP_URL is https, or a trusted proxy said so (`isHttpsRequest`).
 */
export function connectCookie(value: string, opts: { maxAgeSeconds: number; request: Request; appUrl?: string }): string {
  const secure = isHttpsRequest(opts.request, opts.appUrl) ? "; Secure" : "";
  return `${CONNECT_COOKIE}=${value}; Path=/api/shopify; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeSeconds}${secure}`;
}

interface ConnectDeps {
  db: Db;
  log?: Logger;
  /** Queues the first sync and schedules reconciliation once connected (absent: nothing is queued). */
  jobs?: JobProducer;
  reconcileEveryMinutes?: number;
  /** With `jobs`: the history sync starts once connected and announces its progress here. */
  pubsub?: PubSubPort;
  shopify: Shopify;
  /** Signs the connect cookie. */
  secret: string;
  emulatorUrl?: string;
  /** APP_URL: when https, the connect cookie is Secure whatever the request looks like. */
  appUrl?: string;
  /** How the shop's existence is checked (tests); the global fetch, with its Shopify routing, otherwise. */
  fetch?: typeof fetch;
}

interface ConnectIntent {
  brandId: string;
  userId: string;
  shop: string;
  at: number;
}

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");

function sealIntent(secret: string, intent: ConnectIntent): string {
  const payload = Buffer.from(JSON.stringify(intent)).toString("base64url");
  return `${payload}.${sign(secret, payload)}`;
}

function openIntent(secret: string, cookie: string | undefined): ConnectIntent | null {
  const [payload, mac] = (cookie ?? "").split(".");
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const intent = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ConnectIntent;
  return Date.now() - intent.at <= CONNECT_TTL_MS ? intent : null;
}

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/** "Demo-Brand", "demo-brand.myshopify.com", "https://demo-brand.myshopify.com/admin" → "demo-brand.myshopify.com". */
export function normalizeShopInput(shopify: Shopify, raw: string): string {
  const host = raw.trim().toLowerCase().replace(/^https?:\/\//, "").split("/")[0] ?? "";
  const domain = host.includes(".") ? host : `${host}.myshopify.com`;
  const clean = shopify.utils.sanitizeShop(domain);
  if (!clean) {
    throw new AppError("BAD_REQUEST", "Enter your store's Shopify domain, like your-store.myshopify.com", {
      fields: { shop: "Enter your store's Shopify domain, like your-store.myshopify.com" },
    });
  }
  return clean;
}

const requireOwner = (db: Db, userId: string, brand: string) =>
  requireBrandRole({ db }, { userId, brand, minRole: "owner", action: "connect or disconnect stores" });

/**
 * Whether Shopify says there is no shop at this domain: the shop's OAuth page answers 404 (real
 * Shopify's "this store is unavailable" page; the emulator's "Not Found"). A shop that exists answers
 * otherwise (a redirect to its login, or the consent page), and so does nothing we can read — a network
 * error or a timeout is not proof, and the owner then goes to Shopify as before. Server-side, so it goes
 * through the same Shopify routing as the API client (the emulator when configured).
 */
export async function shopIsUnknown(shop: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  try {
    const res = await fetchImpl(`https://${shop}/admin/oauth/authorize`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return res.status === 404;
  } catch {
    return false;
  }
}

/** Starts OAuth with the library and sends the owner to Shopify's consent page (after checking the shop exists). */
export async function beginStoreConnect(deps: ConnectDeps, input: { userId: string; brand: string; shop: string; request: Request }): Promise<Response> {
  const membership = await requireOwner(deps.db, input.userId, input.brand);
  const shop = normalizeShopInput(deps.shopify, input.shop);
  if (await shopIsUnknown(shop, deps.fetch)) {
    const message = `There is no Shopify store at ${shop}. Check the domain (it is in your Shopify admin's address bar).`;
    throw new AppError("NOT_FOUND", message, { fields: { shop: message } });
  }
  const begin = await deps.shopify.auth.begin({ shop, callbackPath: CALLBACK_PATH, isOnline: false, rawRequest: input.request });
  const location = begin.headers.get("location");
  if (begin.status !== 302 || !location) throw new AppError("BAD_REQUEST", "Shopify refused to start the connection (is this an automated browser?)");
  const headers = new Headers({ location: browserShopifyUrl(location, deps.emulatorUrl) });
  // The library's OAuth state cookie follows APP_URL's scheme; behind a trusted TLS proxy it is Secure too.
  const https = isHttpsRequest(input.request, deps.appUrl);
  for (const cookie of begin.headers.getSetCookie()) headers.append("set-cookie", https ? withSecureAttribute(cookie) : cookie);
  const intent = sealIntent(deps.secret, { brandId: membership.id, userId: input.userId, shop, at: Date.now() });
  headers.append("set-cookie", connectCookie(intent, { maxAgeSeconds: CONNECT_TTL_MS / 1000, request: input.request, appUrl: deps.appUrl }));
  return new Response(null, { status: 302, headers });
}

/**
 * Finishes OAuth: the library checks the state cookie, the HMAC and the timestamp and exchanges the
 * code for an expiring offline token; only then is anything stored.
 */
export async function completeStoreConnect(
  deps: ConnectDeps & { storage: SessionStorage },
  input: { userId: string; request: Request },
): Promise<{ brandSlug: string; shop: string }> {
  const intent = openIntent(deps.secret, readCookie(input.request, CONNECT_COOKIE));
  if (!intent) throw new AppError("BAD_REQUEST", "This connection link has expired or was not started here. Start again from Settings → Stores.");
  if (intent.userId !== input.userId) throw new AppError("FORBIDDEN", "This connection was started by another user");
  const membership = await requireOwner(deps.db, input.userId, intent.brandId);
  const callbackShop = new URL(input.request.url).searchParams.get("shop");
  if (callbackShop !== intent.shop) throw new AppError("BAD_REQUEST", `Shopify answered for ${callbackShop ?? "no shop"}, but the connection was started for ${intent.shop}`);

  let session;
  try {
    ({ session } = await deps.shopify.auth.callback({ rawRequest: input.request, expiring: true }));
  } catch (err) {
    throw new AppError("BAD_REQUEST", `Shopify's answer could not be verified (${(err as Error).message}). Nothing was stored; start again.`, { cause: err });
  }
  await deps.storage.storeSession(session);
  // Subscribe to the topics we keep data current with; a failure here is logged, not fatal.
  try {
    const registered = await deps.shopify.webhooks.register({ session });
    const failed = Object.entries(registered).filter(([, results]) => results.some((r) => !r.success)).map(([topic]) => topic);
    if (failed.length) deps.log?.error({ shop: session.shop, topics: failed }, "webhook registration failed for some topics");
  } catch (err) {
    deps.log?.error({ shop: session.shop, err }, "webhook registration failed");
  }
  // The shop's currency and time zone: how its figures are read. Unknown (a failed read) keeps what we had.
  const details = await readShopDetails(deps, session);
  const known = { ...(details.currency ? { currency: details.currency } : {}), ...(details.ianaTimezone ? { ianaTimezone: details.ianaTimezone } : {}) };
  const now = new Date();
  const [saved] = await deps.db
    .insert(stores)
    .values({ brandId: membership.id, shopDomain: session.shop, status: "connected", scopes: session.scope ?? null, sessionId: session.id, connectedBy: input.userId, connectedAt: now, statusChangedAt: now, ...known })
    .onConflictDoUpdate({
      target: [stores.brandId, stores.shopDomain],
      set: { status: "connected", scopes: session.scope ?? null, sessionId: session.id, connectedBy: input.userId, connectedAt: now, statusChangedAt: now, ...known },
    })
    .returning({ id: stores.id });
  // The recent sync goes first so the dashboard shows data within seconds; reconciliation then runs on a schedule.
  await deps.jobs?.enqueue("sync", "recentSync", { brandId: membership.id, storeId: saved!.id }, { jobId: `recent-${saved!.id}-${now.getTime()}` });
  await deps.jobs?.schedule("sync", "reconcile", { brandId: membership.id, storeId: saved!.id }, { id: reconcileScheduleId(saved!.id), everyMs: (deps.reconcileEveryMinutes ?? 15) * 60_000 });
  // In parallel, the whole history through bulk operations (unless one is still running from before).
  if (deps.jobs && deps.pubsub) {
    try {
      await startHistorySync({ db: deps.db, jobs: deps.jobs, pubsub: deps.pubsub, log: deps.log ?? getLogger() }, { brandId: membership.id, storeId: saved!.id });
    } catch (err) {
      if (!isAppError(err) || err.code !== "CONFLICT") throw err;
      deps.log?.info({ shop: session.shop, reason: err.message }, "history sync not restarted");
    }
  }
  return { brandSlug: membership.slug, shop: session.shop };
}

const SHOP_DETAILS = `query ShopDetails { shop { currencyCode ianaTimezone } }`;

/**
 * The shop's own currency (`shop.currencyCode`: its orders' shop money is in it) and time zone
 * (`shop.ianaTimezone`: its days). Read once on connect; a failure is logged and leaves them unknown
 * (the pages then fall back to the orders' currency and UTC) — it never fails the connection.
 */
async function readShopDetails(deps: Pick<ConnectDeps, "shopify" | "log">, session: Session): Promise<{ currency: string | null; ianaTimezone: string | null }> {
  try {
    const client = new deps.shopify.clients.Graphql({ session });
    const res = await client.request<{ shop?: { currencyCode?: unknown; ianaTimezone?: unknown } }>(SHOP_DETAILS, { retries: 2 });
    const shop = res.data?.shop;
    const currency = typeof shop?.currencyCode === "string" && /^[A-Z]{3}$/.test(shop.currencyCode) ? shop.currencyCode : null;
    const ianaTimezone = isTimeZone(shop?.ianaTimezone) ? shop.ianaTimezone : null;
    if (!currency || !ianaTimezone) deps.log?.warn({ shop: session.shop, currency: shop?.currencyCode, ianaTimezone: shop?.ianaTimezone }, "shop currency or time zone missing or invalid");
    return { currency, ianaTimezone };
  } catch (err) {
    deps.log?.warn({ shop: session.shop, err }, "could not read the shop's currency and time zone");
    return { currency: null, ianaTimezone: null };
  }
}

/** The brand's stores with how much of each has been synced so far (maintained counts, never a count over the rows). */
export async function listStores(deps: { db: Db }, input: { brandId: string }) {
  const rows = await deps.db
    .select({
      id: stores.id,
      shopDomain: stores.shopDomain,
      status: stores.status,
      scopes: stores.scopes,
      connectedAt: stores.connectedAt,
      statusChangedAt: stores.statusChangedAt,
      syncedThrough: stores.syncedThrough,
      currency: stores.currency,
      ianaTimezone: stores.ianaTimezone,
    })
    .from(stores)
    .where(eq(stores.brandId, input.brandId))
    .orderBy(stores.connectedAt);
  const counts = await storeCounts(deps, { storeIds: rows.map((r) => r.id) });
  return rows.map((r) => ({ ...r, ...(counts.get(r.id) ?? { orders: 0, customers: 0, products: 0 }) }));
}

export const reconcileScheduleId = (storeId: string) => `reconcile-${storeId}`;

/** Marks the store disconnected and stops its reconciliation; its tokens are deleted unless another brand still uses that shop. */
export async function disconnectStore(deps: { db: Db; storage: SessionStorage; jobs?: JobProducer }, input: { brandId: string; storeId: string }): Promise<void> {
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: input.storeId });
  await deps.db.update(stores).set({ status: "disconnected", statusChangedAt: new Date() }).where(and(eq(stores.id, store.id), mayBecome("disconnected")));
  await stopHistorySync(deps, { storeId: store.id, reason: `Stopped: ${store.shopDomain} was disconnected from Brandbase.` });
  await deps.jobs?.unschedule("sync", reconcileScheduleId(store.id));
  if (!store.sessionId) return;
  const [other] = await deps.db
    .select({ id: stores.id })
    .from(stores)
    .where(and(eq(stores.sessionId, store.sessionId), eq(stores.status, "connected"), ne(stores.id, store.id)))
    .limit(1);
  if (!other) await deps.storage.deleteSession(store.sessionId);
}
