import { once } from "node:events";
import { recordId } from "./admin/ids";
import { type HoldSettings, NO_HOLD } from "./bulk/hold";
import type { BulkRunner } from "./bulk/runner";
import type { ShopEffects } from "./effects";
import { type Ctx, HttpError, readJson, type Router, sendJson } from "./http/router";
import { type AppConfig, type EmulatorState, type Faults, NO_FAULTS, randomToken, type ShopState } from "./state";
import { StoreInputError } from "./store/mutations";
import { RECORD_KINDS, type RecordKind, shopRecords } from "./store/records";
import { customerPayload, orderPayload } from "./webhooks/payloads";
import type { WebhookService } from "./webhooks/service";
import { COMPLIANCE_TOPICS, type ComplianceTopic } from "./webhooks/topics";
import { defaultSpec } from "./spec";

interface Deps {
  state: EmulatorState;
  effects: ShopEffects;
  webhooks: WebhookService;
  bulk: BulkRunner;
}

const num = (v: unknown, field: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new StoreInputError(field, `${field} must be a number`);
  return n;
};

/** A record's id in a path: as the shop shows it (18 digits with spec.bigIds) or the record's own. */
const idParam = (v: unknown): number => {
  const text = String(v);
  if (!/^\d{1,18}$/.test(text)) throw new StoreInputError("id", "id must be a record id");
  return recordId(text);
};

/** A shop's `ianaTimezone` from a control request: a zone the runtime knows, or the default when absent. */
function shopTimezone(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const zone = String(value);
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    throw new StoreInputError("ianaTimezone", `ianaTimezone must be an IANA time zone like America/New_York, not ${zone}`);
  }
  return zone;
}

/** The emulator's control API under /_emulator: set up shops and apps, mutate data (firing webhooks), read the truth, flip faults. */
export function registerControlApi(router: Router, deps: Deps): void {
  const { state, effects } = deps;
  const bigIds = (domain: string) => Boolean(shopOf(domain).store.spec.bigIds);
  const currencyOf = (domain: string) => shopOf(domain).store.spec.currencies[0];
  const shopOf = (domain: string): ShopState => {
    const shop = state.shop(domain);
    if (!shop) throw new HttpError(404, `Shop ${domain} not found`, { error: `Shop ${domain} not found` });
    return shop;
  };
  /** A JSON handler: parses the body, answers the result, maps bad input to 422 naming the field. */
  const guard = (fn: (p: Record<string, string>, body: Record<string, unknown>) => unknown, status = 200) => async ({ req, res, params }: Ctx) => {
    try {
      const body = req.method === "GET" || req.method === "DELETE" ? {} : await readJson(req);
      sendJson(res, status, await fn(params, body));
    } catch (err) {
      if (err instanceof StoreInputError) return sendJson(res, 422, { error: err.message, field: err.field });
      throw err;
    }
  };

  router.on("GET", "/_emulator", guard(() => ({
    apps: [...state.apps.values()].map((a) => ({ name: a.name, clientId: a.clientId, redirectUrls: a.redirectUrls, scopes: a.scopes })),
    shops: [...state.shops.values()].map((s) => ({ domain: s.domain, name: s.name, orders: s.store.orderCount, customers: s.store.customerCount, products: s.store.productCount, installedApps: [...s.installedApps] })),
  })));

  router.on("POST", "/_emulator/apps", guard((_, b) => {
    const app: AppConfig = {
      name: String(b.name ?? "App"),
      clientId: String(b.clientId ?? ""),
      clientSecret: String(b.clientSecret ?? ""),
      redirectUrls: (b.redirectUrls as string[] | undefined) ?? [],
      scopes: (b.scopes as string[] | undefined) ?? [],
      complianceUrl: b.complianceUrl ? String(b.complianceUrl) : undefined,
    };
    if (!app.clientId || !app.clientSecret) throw new StoreInputError("clientId", "clientId and clientSecret are required");
    state.addApp(app);
    return { clientId: app.clientId };
  }, 201));

  router.on("POST", "/_emulator/shops", guard((_, b) => {
    if (!b.domain) throw new StoreInputError("domain", "domain is required");
    const shop = state.addShop({ domain: String(b.domain), name: b.name ? String(b.name) : undefined, ianaTimezone: shopTimezone(b.ianaTimezone), spec: defaultSpec(b, state.clock()) });
    return { domain: shop.domain, orders: shop.store.orderTotal };
  }, 201));

  router.on("GET", "/_emulator/shops/:shop/truth", guard((p) => shopOf(p.shop!).store.truth()));
  // Every record with every field, as NDJSON, streamed (a large shop never sits in memory as text).
  router.on("GET", "/_emulator/shops/:shop/truth/:kind", async ({ res, params }) => {
    const shop = shopOf(params.shop!);
    const kind = params.kind as RecordKind;
    if (!RECORD_KINDS.includes(kind)) throw new HttpError(404, "Unknown record kind", { error: `Unknown record kind ${params.kind}; use one of ${RECORD_KINDS.join(", ")}` });
    res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8" });
    let batch = "";
    for (const record of shopRecords(shop.store, kind)) {
      batch += `${JSON.stringify(record)}\n`;
      if (batch.length < 1 << 16) continue;
      const flushed = res.write(batch);
      batch = "";
      if (!flushed) await once(res, "drain");
    }
    res.end(batch);
  });
  router.on("GET", "/_emulator/shops/:shop/deliveries", guard((p) => shopOf(p.shop!).deliveries));
  router.on("GET", "/_emulator/shops/:shop/api-stats", guard((p) => shopOf(p.shop!).apiStats));
  router.on("GET", "/_emulator/shops/:shop/faults", guard((p) => shopOf(p.shop!).faults));
  router.on("PUT", "/_emulator/shops/:shop/faults", guard((p, b) => {
    const shop = shopOf(p.shop!);
    const unknown = Object.keys(b).filter((k) => !(k in NO_FAULTS));
    if (unknown.length) throw new StoreInputError(unknown[0]!, `Unknown fault switch ${unknown[0]}; known: ${Object.keys(NO_FAULTS).join(", ")}`);
    shop.faults = { ...shop.faults, ...(b as Partial<Faults>) };
    return shop.faults;
  }));
  router.on("DELETE", "/_emulator/shops/:shop/faults", guard((p) => (shopOf(p.shop!).faults = { ...NO_FAULTS })));

  // Hold bulk exports / result downloads at a point (see BulkHold), read what is held, wait for it, release.
  const holdOf = (domain: string) => deps.bulk.hold(shopOf(domain));
  router.on("GET", "/_emulator/shops/:shop/hold", guard((p) => holdOf(p.shop!).state()));
  router.on("PUT", "/_emulator/shops/:shop/hold", guard((p, b) => {
    const hold = holdOf(p.shop!);
    const patch: Partial<HoldSettings> = {};
    for (const [key, value] of Object.entries(b)) {
      if (!(key in NO_HOLD)) throw new StoreInputError(key, `Unknown hold point ${key}; known: ${Object.keys(NO_HOLD).join(", ")}`);
      if (value !== null && !(Number.isInteger(value) && (value as number) >= 1)) throw new StoreInputError(key, `${key} must be a positive integer or null`);
      patch[key as keyof HoldSettings] = value as number | null;
    }
    hold.set(patch);
    return hold.state();
  }));
  router.on("DELETE", "/_emulator/shops/:shop/hold", guard((p) => {
    const hold = holdOf(p.shop!);
    hold.clear();
    return hold.state();
  }));
  router.on("POST", "/_emulator/shops/:shop/hold/wait", guard(async (p, b) => {
    const want = { bulk: b.bulk === undefined ? 0 : num(b.bulk, "bulk"), downloads: b.downloads === undefined ? 0 : num(b.downloads, "downloads") };
    const timeoutMs = Math.min(b.timeoutMs === undefined ? 30_000 : num(b.timeoutMs, "timeoutMs"), 120_000);
    try {
      return await holdOf(p.shop!).waitFor(want, timeoutMs);
    } catch (err) {
      throw new HttpError(408, (err as Error).message, { error: (err as Error).message, ...holdOf(p.shop!).state() });
    }
  }));

  // Tokens: mint one for a quick GraphQL session, expire or revoke them all.
  router.on("POST", "/_emulator/shops/:shop/tokens", guard((p, b) => {
    const shop = shopOf(p.shop!);
    const app = state.apps.get(String(b.clientId ?? ""));
    if (!app) throw new StoreInputError("clientId", "Unknown clientId");
    const token = randomToken("shpat_");
    shop.installedApps.add(app.clientId);
    state.tokens.set(token, { token, shop: shop.domain, clientId: app.clientId, scopes: (b.scopes as string[] | undefined) ?? app.scopes, online: false, expiresAt: null });
    return { accessToken: token };
  }, 201));
  router.on("POST", "/_emulator/shops/:shop/tokens/expire", guard((p) => {
    const shop = shopOf(p.shop!);
    let n = 0;
    for (const t of state.tokens.values()) {
      if (t.shop !== shop.domain) continue;
      t.expiresAt = state.clock() - 1000;
      n++;
    }
    return { expired: n };
  }));
  router.on("POST", "/_emulator/shops/:shop/tokens/revoke", guard((p) => {
    state.revokeTokens(shopOf(p.shop!).domain);
    return { revoked: true };
  }));

  // Orders.
  router.on("GET", "/_emulator/shops/:shop/orders/:id", guard((p) => {
    const shop = shopOf(p.shop!);
    const order = shop.store.orderById(idParam(p.id));
    if (!order) throw new HttpError(404, "Order not found", { error: "Order not found" });
    return orderPayload(shop.store, order);
  }));
  router.on("POST", "/_emulator/shops/:shop/orders", guard((p, b) => orderPayload(shopOf(p.shop!).store, effects.createOrder(shopOf(p.shop!), b as never)), 201));
  router.on("PATCH", "/_emulator/shops/:shop/orders/:id", guard((p, b) => orderPayload(shopOf(p.shop!).store, effects.updateOrder(shopOf(p.shop!), idParam(p.id), b))));
  router.on("POST", "/_emulator/shops/:shop/orders/:id/cancel", guard((p, b) => orderPayload(shopOf(p.shop!).store, effects.cancelOrder(shopOf(p.shop!), idParam(p.id), (b.reason as never) ?? undefined))));
  router.on("DELETE", "/_emulator/shops/:shop/orders/:id", guard((p) => ({ id: effects.deleteOrder(shopOf(p.shop!), idParam(p.id)).id })));
  router.on("POST", "/_emulator/shops/:shop/orders/:id/refunds", guard((p, b) => {
    const shop = shopOf(p.shop!);
    const { order } = effects.refundOrder(shop, idParam(p.id), b as never);
    return orderPayload(shop.store, order);
  }, 201));

  // Customers and products.
  router.on("POST", "/_emulator/shops/:shop/customers", guard((p, b) => customerPayload(effects.createCustomer(shopOf(p.shop!), b), bigIds(p.shop!), currencyOf(p.shop!)), 201));
  router.on("PATCH", "/_emulator/shops/:shop/customers/:id", guard((p, b) => customerPayload(effects.updateCustomer(shopOf(p.shop!), idParam(p.id), b), bigIds(p.shop!), currencyOf(p.shop!))));
  router.on("DELETE", "/_emulator/shops/:shop/customers/:id", guard((p) => ({ id: effects.deleteCustomer(shopOf(p.shop!), idParam(p.id)).id })));
  router.on("POST", "/_emulator/shops/:shop/products", guard((p, b) => ({ id: effects.createProduct(shopOf(p.shop!), b as never).id }), 201));
  router.on("PATCH", "/_emulator/shops/:shop/products/:id", guard((p, b) => ({ id: effects.updateProduct(shopOf(p.shop!), idParam(p.id), b).id })));
  router.on("DELETE", "/_emulator/shops/:shop/products/:id", guard((p) => ({ id: effects.deleteProduct(shopOf(p.shop!), idParam(p.id)).id })));

  // The merchant uninstalls the app; compliance requests.
  router.on("POST", "/_emulator/shops/:shop/uninstall", guard((p, b) => {
    const shop = shopOf(p.shop!);
    const clientId = String(b.clientId ?? [...shop.installedApps][0] ?? "");
    if (!shop.installedApps.has(clientId)) throw new StoreInputError("clientId", "That app is not installed on this shop");
    effects.uninstall(shop, clientId);
    return { uninstalled: clientId };
  }));
  router.on("POST", "/_emulator/shops/:shop/compliance/:topic", guard((p, b) => {
    const shop = shopOf(p.shop!);
    const topic = p.topic!.replace(/-/g, "_").replace(/^customers_/, "customers/").replace(/^shop_/, "shop/") as ComplianceTopic;
    if (!COMPLIANCE_TOPICS.includes(topic)) throw new StoreInputError("topic", `Unknown compliance topic; use one of ${COMPLIANCE_TOPICS.join(", ")}`);
    return { sent: deps.webhooks.triggerCompliance(shop, topic, compliancePayload(shop, topic, b)) };
  }));
}

function compliancePayload(shop: ShopState, topic: ComplianceTopic, b: Record<string, unknown>) {
  const shopId = 1;
  if (topic === "shop/redact") return { shop_id: shopId, shop_domain: shop.domain };
  const customer = shop.store.customerById(Number(b.customerId));
  if (!customer) throw new StoreInputError("customerId", "customerId must name an existing customer");
  const orders: number[] = [];
  for (let i = 0; i < shop.store.orderTotal && orders.length < 100; i++) {
    const o = shop.store.liveOrder(i);
    if (o?.customerId === customer.id) orders.push(o.id);
  }
  const who = { id: customer.id, email: customer.email, phone: customer.phone };
  return topic === "customers/redact"
    ? { shop_id: shopId, shop_domain: shop.domain, customer: who, orders_to_redact: orders }
    : { shop_id: shopId, shop_domain: shop.domain, orders_requested: orders, customer: who, data_request: { id: Math.floor(Math.random() * 1e9) } };
}
