import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { customerOrderSummaries, productSales, salesDays, stores } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { summaryDrift } from "~/server/services/analytics/summaries";
import type { OrderRows } from "~/server/services/commerce/rows";
import { deleteOrder, eraseStoreRecords, redactCustomerRecords, type Store, writeOrder, writeRefund } from "~/server/services/commerce/write";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

let nextId = 7_000_000_000;

function order(input: { customer?: bigint | null; at: string; total: string; updatedAt?: string; lines: { product: bigint | null; quantity: number }[]; id?: bigint }): OrderRows {
  const shopifyId = input.id ?? BigInt(nextId++);
  return {
    order: {
      shopifyId,
      name: `#${shopifyId}`,
      email: "buyer@example.test",
      phone: null,
      customerShopifyId: input.customer ?? null,
      currency: "EUR",
      subtotal: input.total,
      tax: "0",
      discounts: "0",
      total: input.total,
      refunded: "0",
      financialStatus: "paid",
      fulfillmentStatus: null,
      cancelledAt: null,
      processedAt: input.at,
      createdAt: input.at,
      updatedAt: input.updatedAt ?? input.at,
    },
    lines: input.lines.map((l, i) => ({
      shopifyId: shopifyId * 100n + BigInt(i),
      orderShopifyId: shopifyId,
      productShopifyId: l.product,
      variantShopifyId: null,
      title: "Thing",
      sku: null,
      quantity: l.quantity,
      price: "5.00",
    })),
    refunds: [],
  };
}

/**
 * The maintained summaries through every write path of commerce/write.ts (the ones webhooks and the
 * paginated sync use), checked against a recount after each step, and with the figures a page reads.
 */
describe.skipIf(!servicesReady)("maintained summaries follow every write", () => {
  let infra: Infra;
  let store: Store;
  const db = () => getDb();
  const expectNoDrift = async (label: string) => expect(await summaryDrift({ db: db() }, { storeId: store.id }), label).toEqual({ missing: [], extra: [] });

  beforeAll(async () => {
    infra = testInfra();
    const brand = await callerFor(await createUser("summaries"), infra).brands.create({ name: "Summaries brand" });
    const [row] = await db().insert(stores).values({ brandId: brand.id, shopDomain: "summaries.myshopify.com", status: "connected", currency: "EUR", ianaTimezone: "Europe/Athens" }).returning();
    store = { id: row!.id, brandId: brand.id };
  });
  afterAll(async () => {
    await infra?.close();
  });

  it("keeps sales per local day, products and each customer's orders equal to a recount", async () => {
    const customer = 501n;
    // 22:30 UTC is the next day in Athens (UTC+2 in winter).
    const first = order({ customer, at: "2026-01-10T22:30:00Z", total: "10.00", lines: [{ product: 11n, quantity: 2 }, { product: 11n, quantity: 1 }, { product: null, quantity: 1 }] });
    const second = order({ customer, at: "2026-01-20T09:00:00Z", total: "20.00", lines: [{ product: 12n, quantity: 1 }] });
    const third = order({ customer, at: "2026-02-02T09:00:00Z", total: "30.00", lines: [{ product: 11n, quantity: 4 }] });
    const guest = order({ at: "2026-02-02T10:00:00Z", total: "7.00", lines: [{ product: 12n, quantity: 1 }] });
    await db().transaction(async (tx) => {
      for (const o of [third, first, guest, second]) await writeOrder(tx, store, o);
    });
    await expectNoDrift("after the first orders");
    const days = await db().select().from(salesDays).where(eq(salesDays.storeId, store.id)).orderBy(salesDays.day);
    expect(days.map((d) => [d.day, d.orders, d.guestOrders, d.gross])).toEqual([
      ["2026-01-11", 1, 0, "10.0000"],
      ["2026-01-20", 1, 0, "20.0000"],
      ["2026-02-02", 2, 1, "37.0000"],
    ]);
    const [summary] = await db().select().from(customerOrderSummaries).where(eq(customerOrderSummaries.storeId, store.id));
    expect(summary).toMatchObject({ orders: 3, net: "60.0000", currency: "EUR", firstOrderAt: new Date("2026-01-10T22:30:00Z"), lastOrderAt: new Date("2026-02-02T09:00:00Z"), previousOrderAt: new Date("2026-01-20T09:00:00Z") });
    // Product 11: two lines in the first order count one order; all time 7 units in 2 orders.
    const all11 = await db().select().from(productSales).where(sql`${productSales.storeId} = ${store.id} and ${productSales.grain} = 'all' and ${productSales.productShopifyId} = 11`);
    expect(all11.map((r) => [r.units, r.orders])).toEqual([[7, 2]]);

    // A refund, an edited order (a line of a product it already has, and one of a new product), a deletion.
    await db().transaction(async (tx) => {
      await writeRefund(tx, store, { shopifyId: 9001n, orderShopifyId: third.order.shopifyId, amount: "12.5000", createdAt: "2026-02-03T00:00:00Z" });
    });
    await expectNoDrift("after a refund");
    const edited = order({ id: first.order.shopifyId, customer, at: first.order.createdAt, updatedAt: "2026-01-12T00:00:00Z", total: "15.00", lines: [{ product: 11n, quantity: 2 }, { product: 13n, quantity: 1 }] });
    await db().transaction((tx) => writeOrder(tx, store, edited));
    await expectNoDrift("after an edit");
    await db().transaction((tx) => deleteOrder(tx, store, third.order.shopifyId, new Date("2026-03-01T00:00:00Z")));
    await expectNoDrift("after deleting the customer's latest order");
    const [after] = await db().select().from(customerOrderSummaries).where(eq(customerOrderSummaries.storeId, store.id));
    expect(after).toMatchObject({ orders: 2, net: "35.0000", lastOrderAt: new Date("2026-01-20T09:00:00Z"), previousOrderAt: new Date("2026-01-10T22:30:00Z") });

    // A guest order that becomes the customer's (its customer id set), then redaction (contact details only).
    const adopted = order({ id: guest.order.shopifyId, customer: 502n, at: guest.order.createdAt, updatedAt: "2026-02-05T00:00:00Z", total: "7.00", lines: [{ product: 12n, quantity: 1 }] });
    await db().transaction((tx) => writeOrder(tx, store, adopted));
    await db().transaction((tx) => redactCustomerRecords(tx, store, { customerId: 502n, orderIds: [], redactedAt: new Date("2026-02-06T00:00:00Z") }));
    await expectNoDrift("after a guest order got its customer, and redaction");

    // The store's zone changes: its days are recounted in the new one.
    await db().update(stores).set({ ianaTimezone: "America/Los_Angeles" }).where(eq(stores.id, store.id));
    await expectNoDrift("after a change of time zone");
    const moved = await db().select({ day: salesDays.day }).from(salesDays).where(eq(salesDays.storeId, store.id)).orderBy(salesDays.day);
    expect(moved.map((d) => d.day)).toEqual(["2026-01-10", "2026-01-20", "2026-02-02"]);

    // The check itself sees a summary that is off.
    await db().execute(sql`update sales_days set orders = orders + 1 where store_id = ${store.id} and day = '2026-01-20'`);
    expect((await summaryDrift({ db: db() }, { storeId: store.id })).extra).toEqual([expect.stringMatching(/^sales_days 2026-01-20 EUR orders=2 /)]);
    await db().execute(sql`update sales_days set orders = orders - 1 where store_id = ${store.id} and day = '2026-01-20'`);

    // shop/redact: everything goes.
    await db().transaction((tx) => eraseStoreRecords(tx, [store.id]));
    await expectNoDrift("after erasing the store");
    const [left] = await db().execute<{ n: number }>(sql`select (select count(*) from sales_days where store_id = ${store.id} and orders <> 0)
      + (select count(*) from customer_order_summaries where store_id = ${store.id}) + (select count(*) from product_sales where store_id = ${store.id} and units <> 0) as n`);
    expect(Number(left!.n)).toBe(0);
  });

  it("keeps product rows by day only for the last 400 days (no period reads older days), by month and all time always", async () => {
    const old = order({ at: "2023-06-15T12:00:00Z", total: "4.00", lines: [{ product: 31n, quantity: 2 }] });
    const recent = order({ at: new Date(Date.now() - 2 * 86_400_000).toISOString(), total: "4.00", lines: [{ product: 31n, quantity: 1 }] });
    await db().transaction(async (tx) => {
      await writeOrder(tx, store, old);
      await writeOrder(tx, store, recent);
    });
    const rows = await db().select().from(productSales).where(sql`${productSales.storeId} = ${store.id} and ${productSales.productShopifyId} = 31`);
    const grains = rows.map((r) => `${r.grain} ${r.periodStart} ${r.units}`);
    expect(grains).toContain("month 2023-06-01 2");
    expect(grains).toContain("all 1970-01-01 3");
    expect(grains.filter((g) => g.startsWith("day "))).toHaveLength(1);
    expect(grains).not.toContain("day 2023-06-15 2");
    await expectNoDrift("with an order older than the day rows' horizon");
  });

  it("counts a new customer's two orders written at once by two writers", async () => {
    const customer = 777n;
    const a = order({ customer, at: "2026-03-01T10:00:00Z", total: "1.00", lines: [{ product: 21n, quantity: 1 }] });
    const b = order({ customer, at: "2026-03-02T10:00:00Z", total: "2.00", lines: [{ product: 21n, quantity: 1 }] });
    // Both transactions write before either commits.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = db().transaction(async (tx) => {
      await writeOrder(tx, store, a);
      await gate;
    });
    const second = db().transaction(async (tx) => {
      await new Promise((r) => setTimeout(r, 50)); // after the first one's insert (it waits for it to commit)
      await writeOrder(tx, store, b);
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    const [summary] = await db().select().from(customerOrderSummaries).where(sql`${customerOrderSummaries.storeId} = ${store.id} and ${customerOrderSummaries.customerShopifyId} = ${customer}`);
    expect(summary).toMatchObject({ orders: 2, net: "3.0000", previousOrderAt: new Date("2026-03-01T10:00:00Z") });
    await expectNoDrift("after concurrent writers");
  });
});
