import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopVariants, stores } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { listOrders } from "~/server/services/analytics/orders";
import { getOverview } from "~/server/services/analytics/overview";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

type Caller = ReturnType<typeof callerFor>;
let nextId = 9_000_000_000;

interface OrderSpec {
  at: string;
  currency?: string;
  total?: string;
  refunded?: string;
  name?: string;
  email?: string | null;
  customer?: number | null;
  cancelledAt?: string;
  lines?: { product: number; quantity: number; price: string }[];
}

/** A store of `brandId` holding these orders (rows written directly: these tests are about reading them). */
async function storeWith(brandId: string, opts: { domain: string; currency: string | null; zone: string | null; orders: OrderSpec[] }) {
  const db = getDb();
  const [store] = await db.insert(stores).values({ brandId, shopDomain: opts.domain, status: "connected", currency: opts.currency, ianaTimezone: opts.zone }).returning();
  const ids: string[] = [];
  for (const o of opts.orders) {
    const shopifyId = nextId++;
    const [row] = await db
      .insert(shopOrders)
      .values({
        brandId,
        storeId: store!.id,
        shopifyId: BigInt(shopifyId),
        name: o.name ?? `#${shopifyId}`,
        email: o.email === undefined ? `buyer${shopifyId}@example.test` : o.email,
        customerShopifyId: o.customer === undefined || o.customer === null ? null : BigInt(o.customer),
        currency: o.currency ?? opts.currency ?? "USD",
        total: o.total ?? "10.00",
        refunded: o.refunded ?? "0",
        financialStatus: "paid",
        cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
        createdAt: new Date(o.at),
        updatedAt: new Date(o.at),
      })
      .returning({ id: shopOrders.id });
    ids.push(row!.id);
    for (const [i, l] of (o.lines ?? []).entries()) {
      await db.insert(shopLineItems).values({ brandId, storeId: store!.id, shopifyId: BigInt(shopifyId * 10 + i), orderShopifyId: BigInt(shopifyId), productShopifyId: BigInt(l.product), title: `Product ${l.product}`, quantity: l.quantity, price: l.price });
    }
  }
  return { store: store!, orderIds: ids };
}

async function newBrand(label: string, infra: Infra): Promise<{ caller: Caller; brand: { id: string; slug: string } }> {
  const caller = callerFor(await createUser(label), infra);
  return { caller, brand: await caller.brands.create({ name: `${label} brand` }) };
}

describe.skipIf(!servicesReady)("data pages: the shop's time zone and currencies", () => {
  let infra: Infra;
  beforeAll(() => {
    infra = testInfra();
  });
  afterAll(() => infra.close());

  it("counts days from midnight in the shop's time zone (across a DST change), in the Overview and in the Orders filters", async () => {
    const { caller, brand } = await newBrand("tz", infra);
    // 03:30Z on March 10 is still March 9 in New York (EDT, UTC−4, since March 8); 05:30Z is March 10 there.
    await storeWith(brand.id, { domain: "tz-shop.myshopify.com", currency: "USD", zone: "America/New_York", orders: [{ at: "2026-03-10T03:30:00Z", total: "11.00" }, { at: "2026-03-10T05:30:00Z", total: "22.00" }] });
    const now = new Date("2026-03-11T12:00:00Z");
    const week = await getOverview({ db: getDb() }, { brandId: brand.id, period: 7, now });
    expect(week.timeZone).toBe("America/New_York");
    expect(week.timeZoneSource).toBe("store");
    // Seven local days: March 5 (EST, UTC−5: midnight is 05:00Z) to March 11.
    expect(week.period.from.toISOString()).toBe("2026-03-05T05:00:00.000Z");
    expect(week.chart.buckets.map((d) => d.day)).toEqual(["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"]);
    expect(week.chart.buckets.find((d) => d.day === "2026-03-09")).toMatchObject({ orders: 1, gross: "11.00" });
    expect(week.chart.buckets.find((d) => d.day === "2026-03-10")).toMatchObject({ orders: 1, gross: "22.00" });

    // All time starts at the local midnight before the first order (March 9, EDT: 04:00Z).
    const all = await getOverview({ db: getDb() }, { brandId: brand.id, period: "all", now });
    expect(all.period.from.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(all.chart.buckets.map((d) => d.orders)).toEqual([1, 1, 0]);

    // The Orders page's days are the shop's days too.
    const onDay = async (day: string) => (await caller.analytics.orders({ brand: brand.slug, from: day, to: day })).orders.map((o) => o.total);
    expect(await onDay("2026-03-09")).toEqual(["11.0000"]);
    expect(await onDay("2026-03-10")).toEqual(["22.0000"]);
    const page = await caller.analytics.orders({ brand: brand.slug });
    expect(page).toMatchObject({ total: 2, timeZone: "America/New_York" });
    await expect(caller.analytics.orders({ brand: brand.slug, from: "2026-03-10", to: "2026-03-09" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.analytics.orders({ brand: brand.slug, from: "March 9" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("reports money per currency, defaults to the main store's currency, counts orders in all of them, and reads another on request", async () => {
    const { caller, brand } = await newBrand("fx", infra);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    // A US store (3 orders, one of them in GBP as the emulator still makes them) and a bigger German store (4 orders).
    await storeWith(brand.id, { domain: "fx-us.myshopify.com", currency: "USD", zone: "America/New_York", orders: [{ at, total: "10.00" }, { at, total: "30.50", refunded: "5.25" }, { at, currency: "GBP", total: "7.00" }] });
    await storeWith(brand.id, { domain: "fx-de.myshopify.com", currency: "EUR", zone: "Europe/Berlin", orders: [1, 2, 3, 4].map(() => ({ at, total: "100.00" })) });

    const main = await caller.analytics.overview({ brand: brand.slug, days: 7 });
    expect(main.mainCurrency).toBe("EUR");
    expect(main.currency).toBe("EUR");
    expect(main.currencies).toEqual(["EUR", "USD", "GBP"]);
    expect(main.selected).toEqual({ currency: "EUR", orders: 4, gross: "400.00", refunded: "0.00", net: "400.00", aov: "100.00" });
    expect(main.allOrders).toBe(7);
    expect(main.chart.buckets.reduce((n, d) => n + d.orders, 0)).toBe(4);
    // Several stores in different zones: the main store's zone, and the page is told why.
    expect(main).toMatchObject({ timeZone: "Europe/Berlin", timeZoneSource: "main-store", mainStore: { shopDomain: "fx-de.myshopify.com" } });

    const usd = await caller.analytics.overview({ brand: brand.slug, days: 7, currency: "USD" });
    expect(usd.selected).toEqual({ currency: "USD", orders: 2, gross: "40.50", refunded: "5.25", net: "35.25", aov: "20.25" });
    expect(usd.chart.buckets.reduce((n, d) => n + Number(d.gross), 0)).toBe(40.5);
    expect(usd.totals.find((t) => t.currency === "GBP")).toMatchObject({ orders: 1, gross: "7.00" });
    // A currency the brand has nothing in falls back to the main one; a malformed one is refused.
    expect((await caller.analytics.overview({ brand: brand.slug, days: 7, currency: "JPY" })).currency).toBe("EUR");
    await expect(caller.analytics.overview({ brand: brand.slug, days: 7, currency: "usd" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("without a before (all time) reports the repeat-customer rate; with one, new and returning", async () => {
    const { caller, brand } = await newBrand("repeat", infra);
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    // Customer 1: three orders (one 60 days ago); customer 2: one; customer 3: two within the week; a guest.
    await storeWith(brand.id, {
      domain: "repeat-shop.myshopify.com",
      currency: "USD",
      zone: "UTC",
      orders: [{ at: day(60), customer: 1 }, { at: day(2), customer: 1 }, { at: day(1), customer: 1 }, { at: day(1), customer: 2 }, { at: day(3), customer: 3 }, { at: day(2), customer: 3 }, { at: day(1), customer: null }],
    });
    const all = await caller.analytics.overview({ brand: brand.slug, days: "all" });
    expect(all.customers).toMatchObject({ hasBefore: false, withOrders: 3, repeat: 2, guestOrders: 1 });
    expect(all.customers.repeatRate).toBeCloseTo(2 / 3);
    const week = await caller.analytics.overview({ brand: brand.slug, days: 7 });
    expect(week.customers).toMatchObject({ hasBefore: true, withOrders: 3, new: 2, returning: 1, repeat: 2 });
  });
  it("draws a year by week and all time of several years by month, and ranks products by units over any period", async () => {
    const { brand } = await newBrand("long", infra);
    const now = new Date("2026-03-11T12:00:00Z"); // a Wednesday
    await storeWith(brand.id, {
      domain: "long-shop.myshopify.com",
      currency: "USD",
      zone: "UTC",
      orders: [
        { at: "2023-05-20T10:00:00Z", total: "5.00", lines: [{ product: 3, quantity: 9, price: "1.00" }] },
        { at: "2026-01-20T10:00:00Z", total: "10.00", lines: [{ product: 1, quantity: 2, price: "5.00" }] },
        { at: "2026-03-09T10:00:00Z", total: "20.00", lines: [{ product: 2, quantity: 3, price: "5.00" }, { product: 1, quantity: 1, price: "5.00" }] },
        { at: "2026-03-11T08:00:00Z", total: "30.00", lines: [{ product: 2, quantity: 1, price: "30.00" }] },
      ],
    });
    const year = await getOverview({ db: getDb() }, { brandId: brand.id, period: 365, now });
    expect(year.chart.grain).toBe("week");
    // 2025-03-12 (a Wednesday) to today: the first and the last week are partial.
    expect(year.chart.buckets[0]).toMatchObject({ day: "2025-03-12", lastDay: "2025-03-16", partial: true });
    expect(year.chart.buckets.at(-1)).toMatchObject({ day: "2026-03-09", lastDay: "2026-03-11", orders: 2, gross: "50.00", partial: true });
    expect(year.chart.buckets.filter((b) => !b.partial).every((b) => b.lastDay === new Date(Date.parse(`${b.day}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10))).toBe(true);
    expect(year.chart.buckets.reduce((n, b) => n + b.orders, 0)).toBe(3);
    expect(year.topProducts.map((p) => [p.title, p.quantity, p.orders])).toEqual([["Product 2", 4, 2], ["Product 1", 3, 2]]);
    const all = await getOverview({ db: getDb() }, { brandId: brand.id, period: "all", now });
    expect(all.chart.grain).toBe("month");
    expect(all.chart.buckets[0]).toMatchObject({ day: "2023-05-20", lastDay: "2023-05-31", orders: 1, partial: true });
    expect(all.chart.buckets).toHaveLength(35);
    expect(all.topProducts.map((p) => [p.title, p.quantity])).toEqual([["Product 3", 9], ["Product 2", 4], ["Product 1", 3]]);
    const quarter = await getOverview({ db: getDb() }, { brandId: brand.id, period: 90, now });
    expect(quarter.chart.grain).toBe("day");
    expect(quarter.topProducts.map((p) => [p.title, p.quantity, p.orders])).toEqual([["Product 2", 4, 2], ["Product 1", 3, 2]]);
    const days = await getOverview({ db: getDb() }, { brandId: brand.id, period: 7, now });
    expect(days.topProducts.map((p) => [p.title, p.quantity, p.orders])).toEqual([["Product 2", 4, 2], ["Product 1", 1, 1]]);
  });
});

describe.skipIf(!servicesReady)("data pages: orders search, filters and the order page", () => {
  let infra: Infra;
  let caller: Caller;
  let brand: { id: string; slug: string };
  let orderIds: string[];
  let storeId: string;
  beforeAll(async () => {
    infra = testInfra();
    ({ caller, brand } = await newBrand("search", infra));
    const at = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const made = await storeWith(brand.id, {
      domain: "search-shop.myshopify.com",
      currency: "CAD",
      zone: "America/Toronto",
      orders: [
        { at: at(5), name: "#1001", email: "Jane.Doe@Example.test", customer: 77, lines: [{ product: 1, quantity: 2, price: "12.50" }] },
        { at: at(4), name: "#1002", email: "john@example.test", cancelledAt: at(1) },
        { at: at(3), name: "#10010", email: "jane.other@example.test" },
        { at: at(2), name: "#2000", email: "100%_sure@example.test" },
      ],
    });
    orderIds = made.orderIds;
    storeId = made.store.id;
  });
  afterAll(() => infra.close());

  const names = async (input: Record<string, unknown>) => (await caller.analytics.orders({ brand: brand.slug, ...input })).orders.map((o) => o.name).sort();

  it("finds orders by name (with or without #) or by the start of the email, case-insensitively, wildcards taken literally", async () => {
    expect(await names({ q: "#1001" })).toEqual(["#1001", "#10010"]);
    expect(await names({ q: "1002" })).toEqual(["#1002"]);
    expect(await names({ q: "JANE" })).toEqual(["#1001", "#10010"]);
    expect(await names({ q: "jane.doe@example.test" })).toEqual(["#1001"]);
    expect(await names({ q: "100%" })).toEqual(["#2000"]);
    expect(await names({ q: "_" })).toEqual([]);
    expect(await names({ q: "nobody" })).toEqual([]);
    const page = await caller.analytics.orders({ brand: brand.slug, q: "jane", limit: 1 });
    expect(page.total).toBe(2);
    expect(page.orders).toHaveLength(1);
    const next = await caller.analytics.orders({ brand: brand.slug, q: "jane", limit: 1, cursor: page.nextCursor });
    expect(next.orders.map((o) => o.name)).toEqual(["#1001"]);
    expect(next.total).toBeNull();
  });

  it("filters cancelled orders in or out", async () => {
    expect(await names({ cancelled: "only" })).toEqual(["#1002"]);
    expect(await names({ cancelled: "exclude" })).toEqual(["#1001", "#10010", "#2000"]);
    expect((await caller.analytics.orders({ brand: brand.slug, cancelled: "exclude" })).total).toBe(3);
  });

  it("shows one order with its lines, refunds, customer and timeline; another brand's order is NOT_FOUND", async () => {
    const db = getDb();
    const [order] = await db.select().from(shopOrders).where(eq(shopOrders.id, orderIds[0]!));
    await db.insert(shopRefunds).values({ brandId: brand.id, storeId, shopifyId: 555n, orderShopifyId: order!.shopifyId, amount: "12.50", createdAt: new Date(Date.now() - 2 * 3_600_000) });
    await db.insert(shopCustomers).values({ brandId: brand.id, storeId, shopifyId: 77n, firstName: "Jane", lastName: "Doe", email: "jane.doe@example.test", updatedAt: new Date() });
    const detail = await caller.analytics.order({ brand: brand.slug, orderId: orderIds[0]! });
    expect(detail.order).toMatchObject({ name: "#1001", currency: "CAD", total: "10.0000", net: "10.00" });
    expect(detail.lines).toEqual([expect.objectContaining({ title: "Product 1", quantity: 2, price: "12.5000", lineTotal: "25.00" })]);
    expect(detail.refunds).toEqual([expect.objectContaining({ amount: "12.5000" })]);
    // Written straight into the store's tables here, so identity resolution never saw this customer: no profile to link yet.
    expect(detail.customer).toEqual({ name: "Jane Doe", email: "jane.doe@example.test", phone: null, orders: 1, profileId: null });
    expect(detail.timeline.map((e) => e.kind)).toEqual(["created", "refund"]);
    expect(detail).toMatchObject({ shopDomain: "search-shop.myshopify.com", timeZone: "America/Toronto" });
    const cancelled = await caller.analytics.order({ brand: brand.slug, orderId: orderIds[1]! });
    expect(cancelled.timeline.map((e) => e.kind)).toEqual(["created", "cancelled"]);

    const other = await newBrand("search-other", infra);
    await expect(other.caller.analytics.order({ brand: other.brand.slug, orderId: orderIds[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.caller.analytics.order({ brand: brand.slug, orderId: orderIds[0]! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.analytics.order({ brand: brand.slug, orderId: "not-an-id" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("lists a brand's orders only (the service filters on the brand)", async () => {
    const other = await newBrand("search-empty", infra);
    expect(await listOrders({ db: getDb() }, { brandId: other.brand.id, limit: 10 })).toMatchObject({ orders: [], total: 0, timeZone: "UTC", timeZoneSource: "fallback" });
  });
});

describe.skipIf(!servicesReady)("data pages: products search and sort", () => {
  let infra: Infra;
  beforeAll(() => {
    infra = testInfra();
  });
  afterAll(() => infra.close());

  it("searches titles and vendors and sorts by title, units sold and price, a page at a time", async () => {
    const { caller, brand } = await newBrand("products", infra);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const { store } = await storeWith(brand.id, {
      domain: "products-shop.myshopify.com",
      currency: "EUR",
      zone: "Europe/Paris",
      orders: [{ at, lines: [{ product: 2, quantity: 5, price: "30.00" }, { product: 3, quantity: 1, price: "5.00" }] }, { at, lines: [{ product: 3, quantity: 2, price: "5.00" }] }],
    });
    const db = getDb();
    const products = [
      { id: 1, title: "Alpaca Scarf", vendor: "Andes Co", price: "80.00" },
      { id: 2, title: "Wool Socks", vendor: "Andes Co", price: "30.00" },
      { id: 3, title: "Cotton 100% Tee", vendor: "Basics", price: "5.00" },
    ];
    for (const p of products) {
      await db.insert(shopProducts).values({ brandId: brand.id, storeId: store.id, shopifyId: BigInt(p.id), title: p.title, vendor: p.vendor, status: "active", updatedAt: new Date() });
      await db.insert(shopVariants).values({ brandId: brand.id, storeId: store.id, shopifyId: BigInt(p.id * 100), productShopifyId: BigInt(p.id), price: p.price });
    }
    const titles = async (input: Record<string, unknown>) => (await caller.analytics.products({ brand: brand.slug, ...input })).products.map((p) => p.title);
    expect(await titles({})).toEqual(["Alpaca Scarf", "Cotton 100% Tee", "Wool Socks"]);
    expect(await titles({ sort: "units" })).toEqual(["Wool Socks", "Cotton 100% Tee", "Alpaca Scarf"]);
    expect(await titles({ sort: "price-asc" })).toEqual(["Cotton 100% Tee", "Wool Socks", "Alpaca Scarf"]);
    expect(await titles({ sort: "price-desc" })).toEqual(["Alpaca Scarf", "Wool Socks", "Cotton 100% Tee"]);
    expect(await titles({ q: "andes" })).toEqual(["Alpaca Scarf", "Wool Socks"]);
    expect(await titles({ q: "100%" })).toEqual(["Cotton 100% Tee"]);
    expect(await titles({ q: "%" })).toEqual(["Cotton 100% Tee"]);
    const first = await caller.analytics.products({ brand: brand.slug, sort: "units", limit: 2 });
    expect(first).toMatchObject({ total: 3, nextCursor: 2 });
    expect(first.products[0]).toMatchObject({ title: "Wool Socks", unitsSold: 5, currency: "EUR", minPrice: "30.00" });
    expect((await caller.analytics.products({ brand: brand.slug, sort: "units", limit: 2, cursor: 2 })).products.map((p) => p.title)).toEqual(["Alpaca Scarf"]);
    await expect(caller.analytics.products({ brand: brand.slug, sort: "cheapest" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
