import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "~/emulator";
import { getDb, getSql } from "~/server/db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, stores } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { applyDataWebhook } from "~/server/services/commerce/apply";
import { listStores, reconcileScheduleId } from "~/server/services/stores/connect";
import { runReconcile, runRecentSync } from "~/server/services/sync/incremental-sync";
import { getShopify } from "~/server/shopify/api";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { callerFor, type createUser, servicesReady, syncDeps, testInfra } from "../helpers/context";
import { compareStoreWithShop } from "../helpers/shop-equality";
import { connectedShop } from "../helpers/sync-harness";

const SHOP = "recent-shop.myshopify.com";
const DAY = 86_400_000;

describe.skipIf(!servicesReady)("recent sync", () => {
  let emulator: Emulator;
  let infra: Infra;
  let storeId: string;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let brandSlug: string;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;
  /** The recent sync's window starts here (whole seconds, as the app asks Shopify). */
  let since: number;
  /** Everything the shop changed since the window opened is stored, field by field, and nothing else. */
  const expectRecentEqualsShop = (label: string) => {
    const recent = (r: { updatedAt: string | null }) => Date.parse(r.updatedAt!) >= since;
    return ctx.expectEqualsShop({ label, scope: { orders: recent, customers: recent, products: recent } });
  };

  beforeAll(async () => {
    infra = testInfra();
    // History up to now, so the last three days have orders; tokens that expire in a minute.
    ctx = await connectedShop({ infra, apiKey: "recent-sync-app", shop: SHOP, shopSpec: { seed: 11, orders: 3_000, customers: 600, products: 40, days: 365 }, limits: { offlineTokenTtlSeconds: 60 }, keepReconcileSchedule: true });
    emulator = ctx.emulator;
    owner = ctx.owner;
    brandSlug = ctx.brand.slug;
    storeId = ctx.storeId;
  });
  afterAll(async () => {
    await ctx.close();
    await infra.close();
  });

  it("is queued when the store connects, with reconciliation scheduled", async () => {
    const queued = [...(await infra.queue.listJobs("sync", "waiting", 0, 10)), ...(await infra.queue.listJobs("sync", "delayed", 0, 10))];
    expect(queued).toEqual(expect.arrayContaining([expect.objectContaining({ name: "recentSync", data: expect.objectContaining({ storeId, days: 3 }) })]));
    // The schedule lives in Postgres whatever the backend, so no Redis outage can take it.
    expect(await infra.queue.schedules("sync")).toEqual(expect.arrayContaining([{ id: reconcileScheduleId(storeId), name: "reconcile", everyMs: 15 * 60_000 }]));
  });

  it("fetches at most its cap, newest first, and then does not vouch for the window", async () => {
    const deps = { db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), pubsub: infra.pubsub, log: getLogger() };
    const result = await runRecentSync(deps, { storeId, maxOrders: 20 });
    expect(result.ordersFetched).toBe(20);
    const shop = emulator.state.shop(SHOP)!.store;
    const windowStart = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
    const newest = shop
      .ordersUpdatedBetween(windowStart)
      .map((i) => shop.order(i))
      .sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id)
      .slice(0, 20)
      .map((o) => BigInt(o.id));
    const stored = await getDb().select({ id: shopOrders.shopifyId }).from(shopOrders).where(eq(shopOrders.storeId, storeId));
    expect(stored.map((o) => o.id).sort()).toEqual(newest.sort());
    // Older changes in the window are not here yet: the store is not "synced through" anything.
    const [row] = await getDb().select({ syncedThrough: stores.syncedThrough }).from(stores).where(eq(stores.id, storeId));
    expect(row!.syncedThrough).toBeNull();
  });

  it("brings in exactly the last three days, refreshing the expiring token first", async () => {
    const tokenBefore = (await getSql()`select access_token from shopify_session where shop = ${SHOP}`)[0]!.access_token as string;
    since = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
    const result = await runRecentSync({ db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), pubsub: infra.pubsub, log: getLogger() }, { storeId });

    const shop = emulator.state.shop(SHOP)!.store;
    const expectedOrders = shop.ordersUpdatedBetween(since).map((i) => shop.order(i));
    expect(result.orders).toBe(expectedOrders.length);
    expect(expectedOrders.length).toBeGreaterThan(10);
    expect(result.customers).toBe(shop.customersUpdatedBetween(since).length);

    // Every order, line item, refund, customer, product and variant of the window, every field.
    await expectRecentEqualsShop("after the recent sync");
    const lines = await getDb().select().from(shopLineItems).where(eq(shopLineItems.storeId, storeId));
    expect(lines).toHaveLength(expectedOrders.reduce((n, o) => n + o.lineItems.length, 0));
    expect(await getDb().select().from(shopCustomers).where(eq(shopCustomers.storeId, storeId))).toHaveLength(result.customers);
    expect((await getDb().select().from(shopProducts).where(eq(shopProducts.storeId, storeId))).length).toBe(result.products);
    // The sync status (tRPC; the HTTP route returns the same object).
    const status = await callerFor(owner, infra).sync.status({ brand: brandSlug });
    expect(status.stores).toMatchObject([{ shop: SHOP, status: "connected", counts: { orders: result.orders, customers: result.customers }, syncedThrough: expect.any(String) }]);
    // What the Stores page shows.
    const [{ brandId }] = (await getDb().select({ brandId: stores.brandId }).from(stores).where(eq(stores.id, storeId))) as [{ brandId: string }];
    const listed = await listStores({ db: getDb() }, { brandId });
    expect(listed).toMatchObject([{ orders: result.orders, customers: result.customers, products: result.products }]);

    // The token had under five minutes left: it was refreshed and stored again, encrypted.
    const tokenAfter = (await getSql()`select access_token from shopify_session where shop = ${SHOP}`)[0]!.access_token as string;
    expect(tokenAfter).not.toBe(tokenBefore);
    expect(tokenAfter).toMatch(/^v1:/);
  });

  it("can run again without duplicating anything", async () => {
    const before = await getDb().select().from(shopOrders).where(eq(shopOrders.storeId, storeId));
    const windowStart = Math.floor((Date.now() - 3 * DAY) / 1000) * 1000;
    const again = await runRecentSync({ db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), pubsub: infra.pubsub, log: getLogger() }, { storeId });
    const after = await getDb().select().from(shopOrders).where(eq(shopOrders.storeId, storeId));
    expect(after).toHaveLength(before.length);
    // Every order of the window is held in Shopify's version: their versions were read, none fetched again.
    expect(again.orders).toBe(before.filter((o) => o.updatedAt.getTime() >= windowStart).length);
    expect(again.ordersFetched).toBe(0);
    await expectRecentEqualsShop("after running the recent sync again");
  });

  it("reconciles: a change whose webhook never arrived is pulled in, and the cursor moves", async () => {
    const shop = emulator.state.shop(SHOP)!;
    const [{ syncedThrough: before }] = (await getDb().select({ syncedThrough: stores.syncedThrough }).from(stores).where(eq(stores.id, storeId))) as [{ syncedThrough: Date }];
    // Changed on Shopify; nothing reached us (no app server listens in this test, as if the webhook was lost).
    const order = emulator.effects.createOrder(shop, { lineItems: [{ variantId: shop.store.products[2]!.variants[0]!.id, quantity: 2 }] });
    expect(await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.shopifyId, BigInt(order.id))))).toHaveLength(0);
    const result = await runReconcile(await syncDeps(infra), { storeId, lookbackHours: 24 });
    expect(result.orders).toBeGreaterThanOrEqual(1);
    const [saved] = await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.shopifyId, BigInt(order.id))));
    expect(Number(saved!.total) * 100).toBeCloseTo(order.totalCents, 6);
    await expectRecentEqualsShop("after reconciliation pulled in the new order");
    const [{ syncedThrough: after }] = (await getDb().select({ syncedThrough: stores.syncedThrough }).from(stores).where(eq(stores.id, storeId))) as [{ syncedThrough: Date }];
    expect(after.getTime()).toBeGreaterThan(before.getTime());
    // Reconciliation folds the store's count deltas: one row per entity, still the exact counts.
    const deltas = await getSql()<{ entity: string; delta: string }[]>`select entity, delta from store_count_deltas where store_id = ${storeId} order by entity`;
    const [recount] = await getSql()<{ customers: string; orders: string; products: string }[]>`select
      (select count(*) from shop_customers where store_id = ${storeId}) as customers,
      (select count(*) from shop_orders where store_id = ${storeId}) as orders,
      (select count(*) from shop_products where store_id = ${storeId}) as products`;
    expect(deltas.map((d) => [d.entity, Number(d.delta)])).toEqual(
      (["customers", "orders", "products"] as const).map((e) => [e, Number(recount![e])]).filter(([, n]) => n !== 0),
    );
  });

  it("reconciles without bringing back a customer deleted after its page was read", async () => {
    const shop = emulator.state.shop(SHOP)!;
    // A customer changed on Shopify (inside reconciliation's window), then deleted. Reconciliation
    // reads a page with the customer on it just before the deletion, and writes it just after the
    // customers/delete webhook was applied: here the shop still serves the customer while the
    // deletion is applied first, with Shopify's time just after the change.
    const index = Array.from({ length: shop.store.customerSlots }, (_, i) => i).find((i) => {
      const c = shop.store.customer(i);
      return c && !shop.store.customerHasOrders(c.id);
    })!;
    const changed = emulator.effects.updateCustomer(shop, shop.store.customer(index)!.id, { lastName: "Deleted Soon" });
    const deletedAt = new Date(changed.updatedAt + 1_000);
    await applyDataWebhook({ db: getDb() }, { shopDomain: SHOP, topic: "customers/delete", body: { id: changed.id }, triggeredAt: deletedAt });
    const result = await runReconcile(await syncDeps(infra), { storeId, lookbackHours: 24 });
    expect(result.customers).toBeGreaterThanOrEqual(1); // the page did carry it
    expect(await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, storeId), eq(shopCustomers.shopifyId, BigInt(changed.id))))).toHaveLength(0);

    // The deletion on Shopify's side: the store equals the shop again.
    emulator.effects.deleteCustomer(shop, changed.id);
    await expectRecentEqualsShop("after reconciliation over a deleted customer");
  });

  it("shows the synced orders on the overview (exact, gross and net) and pages through them", async () => {
    const saved = await getDb().select().from(shopOrders).where(eq(shopOrders.storeId, storeId));
    const caller = callerFor(owner, infra);
    const overview = await caller.analytics.overview({ brand: brandSlug, days: 30 });
    // 30 days: today and the 29 before, counted in the shop's time zone (from its local midnight).
    expect(overview.period.from.getTime()).toBeGreaterThan(Date.now() - 31 * DAY);
    expect(overview.period.from.getTime()).toBeLessThanOrEqual(Date.now() - 29 * DAY);
    const inPeriod = saved.filter((o) => o.createdAt >= overview.period.from && o.createdAt < overview.period.to);
    const count = overview.totals.reduce((n, t) => n + t.orders, 0);
    expect(count).toBe(inPeriod.length);
    for (const t of overview.totals) {
      const mine = inPeriod.filter((o) => o.currency === t.currency);
      const cents = (f: (o: (typeof mine)[number]) => string) => mine.reduce((n, o) => n + Math.round(Number(f(o)) * 100), 0);
      expect(Math.round(Number(t.gross) * 100)).toBe(cents((o) => o.total));
      expect(Math.round(Number(t.net) * 100)).toBe(cents((o) => o.total) - cents((o) => o.refunded));
    }
    expect(overview.topProducts.length).toBeGreaterThan(0);
    // One point per day of the period (zeros included), adding up to the main currency's total.
    expect(overview.chart.buckets.length).toBe(30);
    const dailyCents = overview.chart.buckets.reduce((n, d) => n + Math.round(Number(d.gross) * 100), 0);
    expect(dailyCents).toBe(Math.round(Number(overview.selected!.gross) * 100));

    const seen: string[] = [];
    let cursor: { createdAt: Date; id: string } | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.analytics.orders>> = await caller.analytics.orders({ brand: brandSlug, limit: 5, cursor });
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(saved.length);
    expect(seen).toHaveLength(saved.length);

    // Products page by page, A to Z: two products changed on Shopify come in with the next reconciliation.
    const shop = emulator.state.shop(SHOP)!;
    emulator.effects.updateProduct(shop, shop.store.products[3]!.id, { title: "Zebra Socks" });
    emulator.effects.updateProduct(shop, shop.store.products[4]!.id, { title: "Alpaca Scarf" });
    await runReconcile(await syncDeps(infra), { storeId, lookbackHours: 24 });
    const products: string[] = [];
    let productCursor: number | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.analytics.products>> = await caller.analytics.products({ brand: brandSlug, limit: 3, cursor: productCursor });
      products.push(...page.products.map((p) => p.title));
      productCursor = page.nextCursor;
    } while (productCursor);
    const savedProducts = await getDb().select().from(shopProducts).where(eq(shopProducts.storeId, storeId));
    expect(products.length).toBeGreaterThanOrEqual(2);
    expect([...products].sort()).toEqual(savedProducts.map((p) => p.title).sort());
    expect(products).toContain("Zebra Socks");
    expect(products.indexOf("Alpaca Scarf")).toBeLessThan(products.indexOf("Zebra Socks"));
    await expectRecentEqualsShop("after reconciliation pulled in the renamed products");
  });

  it("compares field by field: a changed price, a lost customer and a stray product are each named", async () => {
    const sql = getSql();
    const [line] = (await sql`select order_shopify_id::text as "order", shopify_id::text as id, price::text from shop_line_items where store_id = ${storeId} limit 1`) as unknown as [{ order: string; id: string; price: string }];
    const [customer] = (await sql`select row_to_json(c)::jsonb as row, shopify_id::text as id from shop_customers c where store_id = ${storeId} limit 1`) as unknown as [{ row: unknown; id: string }];
    const [{ brandId }] = (await getDb().select({ brandId: stores.brandId }).from(stores).where(eq(stores.id, storeId))) as [{ brandId: string }];
    await sql`update shop_line_items set price = price + 0.01 where store_id = ${storeId} and shopify_id = ${line.id}`;
    await sql`delete from shop_customers where store_id = ${storeId} and shopify_id = ${customer.id}`;
    await sql`insert into shop_products (brand_id, store_id, shopify_id, title, updated_at) values (${brandId}, ${storeId}, 7999999999999, 'Stray', now())`;
    try {
      const recent = (r: { updatedAt: string | null }) => Date.parse(r.updatedAt!) >= since;
      const diffs = await compareStoreWithShop({ storeId, emulatorUrl: emulator.url, shop: SHOP, scope: { orders: recent, customers: recent, products: recent } });
      expect(diffs).toEqual([
        { record: `order ${line.order} line item ${line.id}`, field: "price", stored: (Number(line.price) + 0.01).toFixed(4), expected: Number(line.price).toFixed(2) },
        { record: `customer ${customer.id}`, field: "(record)", stored: null, expected: "present" },
        { record: "product 7999999999999", field: "(record)", stored: "present", expected: null },
      ]);
      await expect(expectRecentEqualsShop("with the damage")).rejects.toThrow(`with the damage: 3 difference(s) between the stored data and the shop; first 3:\n  order ${line.order} line item ${line.id}: price is "${(Number(line.price) + 0.01).toFixed(4)}" in our tables, the shop says "${Number(line.price).toFixed(2)}"`);
    } finally {
      await sql`update shop_line_items set price = ${line.price}::numeric where store_id = ${storeId} and shopify_id = ${line.id}`;
      await sql`insert into shop_customers select * from jsonb_populate_record(null::shop_customers, ${JSON.stringify(customer.row)}::jsonb)`;
      await sql`delete from shop_products where store_id = ${storeId} and shopify_id = 7999999999999`;
    }
    await expectRecentEqualsShop("repaired");
  });

  it("marks the store as needing re-authorization when Shopify no longer accepts its tokens", async () => {
    await fetch(`${emulator.url}/_emulator/shops/${SHOP}/tokens/revoke`, { method: "POST" });
    // Force a refresh attempt (the revoked refresh token is refused).
    await getSql()`update shopify_session set expires = now() where shop = ${SHOP}`;
    await expect(runRecentSync({ db: getDb(), shopify: getShopify(), storage: await getSessionStorage(), pubsub: infra.pubsub, log: getLogger() }, { storeId })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("needs to be re-authorized"),
    });
    const [store] = await getDb().select().from(stores).where(eq(stores.id, storeId));
    expect(store!.status).toBe("needs_reauth");
  });
});
