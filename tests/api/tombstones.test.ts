import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopTombstones, shopVariants, stores, webhookDeliveries } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { customerRowFromWebhook, orderRowsFromWebhook } from "~/server/services/commerce/webhook-rows";
import { writeCustomer } from "~/server/services/commerce/write";
import { storeCounts } from "~/server/services/stores/counts";
import { ChunkRows, ENTITY_DEFS, type EntityDef } from "~/server/services/sync/bulk/entities";
import { copyChunk, createStaging, dropStaging, promoteChunk } from "~/server/services/sync/bulk/staging";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { callerFor, createUser, eventually, servicesReady, testInfra } from "../helpers/context";

/**
 * Deletions stay deleted: a customers/delete, products/delete or orders/delete (or a customers/redact)
 * is not undone by a delivery Shopify sent before it that arrives after it (retries, reordering), by
 * an export read before it (promotion), or by a write in flight when it is applied. Every store here
 * is this run's own; deliveries are recorded as the endpoint records them and applied by the service
 * the ingestion worker runs.
 */

/** Shopify's time `s` seconds into a fixed day, as REST bodies and headers write it. */
const T = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace(".000Z", "Z");
const at = (s: number) => new Date(T(s));

const customer = (id: number, updated: number, extra: Record<string, unknown> = {}) => ({
  id,
  email: `c${id}@example.com`,
  phone: `+1555${id}`,
  first_name: "Ada",
  last_name: "Lovelace",
  tags: "",
  created_at: T(0),
  updated_at: T(updated),
  ...extra,
});
const product = (id: number, updated: number, title: string) => ({
  id,
  title,
  handle: `p-${id}`,
  vendor: "Acme",
  product_type: "",
  status: "active",
  tags: "",
  created_at: T(0),
  updated_at: T(updated),
  variants: [{ id: id * 10 + 1, title: "Default Title", sku: `SKU-${id}`, price: "10.00" }],
});
const order = (id: number, updated: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `#${id}`,
  email: "buyer@example.com",
  phone: "+15550100",
  currency: "EUR",
  subtotal_price: "20.00",
  total_tax: "0.00",
  total_discounts: "0.00",
  total_price: "20.00",
  financial_status: "paid",
  created_at: T(0),
  updated_at: T(updated),
  customer: null,
  line_items: [{ id: id * 10 + 1, product_id: null, variant_id: null, title: "Mug", sku: "MUG", quantity: 2, price: "10.00" }],
  refunds: [],
  ...extra,
});

describe.skipIf(!servicesReady)("deletions that stay deleted (tombstones)", () => {
  let infra: Infra;
  let brandId: string;
  let storeId: string;
  let shopDomain: string;
  const sql = () => getSql();

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("tomb-owner");
    const brand = await callerFor(owner, infra).brands.create({ name: "Tombstone Brand" });
    brandId = brand.id;
    shopDomain = `tomb-${randomUUID().slice(0, 8)}.myshopify.com`;
    const [store] = await getDb().insert(stores).values({ brandId, shopDomain, status: "connected" }).returning();
    storeId = store!.id;
  });
  afterAll(() => infra.close());

  /** A delivery as the endpoint records it (`triggeredAt` from X-Shopify-Triggered-At; null when absent), applied. */
  async function deliver(topic: string, body: unknown, triggeredAt: Date | null) {
    const [row] = await getDb().insert(webhookDeliveries).values({ shopDomain, topic, webhookId: randomUUID(), eventId: randomUUID(), triggeredAt, payload: body }).returning();
    await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: row!.id });
    return row!;
  }
  const customerRow = async (id: number) => (await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, storeId), eq(shopCustomers.shopifyId, BigInt(id)))))[0];
  const orderRow = async (id: number) => (await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.shopifyId, BigInt(id)))))[0];
  const tombstone = async (entity: "orders" | "customers" | "products", id: number) =>
    (await getDb().select().from(shopTombstones).where(and(eq(shopTombstones.storeId, storeId), eq(shopTombstones.entity, entity), eq(shopTombstones.shopifyId, BigInt(id)))))[0];
  const lines = (orderId: number) => getDb().select().from(shopLineItems).where(and(eq(shopLineItems.storeId, storeId), eq(shopLineItems.orderShopifyId, BigInt(orderId))));
  const refunds = (orderId: number) => getDb().select().from(shopRefunds).where(and(eq(shopRefunds.storeId, storeId), eq(shopRefunds.orderShopifyId, BigInt(orderId))));
  const variants = (productId: number) => getDb().select().from(shopVariants).where(and(eq(shopVariants.storeId, storeId), eq(shopVariants.productShopifyId, BigInt(productId))));

  /** The maintained counts (statement triggers) against a recount: refused writes and deletions leave them exact. */
  async function expectCountsExact() {
    const [r] = await sql()<{ orders: string; customers: string; products: string }[]>`select
      (select count(*) from shop_orders where store_id = ${storeId}) as orders,
      (select count(*) from shop_customers where store_id = ${storeId}) as customers,
      (select count(*) from shop_products where store_id = ${storeId}) as products`;
    const maintained = (await storeCounts({ db: getDb() }, { storeIds: [storeId] })).get(storeId) ?? { orders: 0, customers: 0, products: 0 };
    expect(maintained).toEqual({ orders: Number(r!.orders), customers: Number(r!.customers), products: Number(r!.products) });
  }

  it("keeps a deleted customer deleted when an older update arrives after the deletion; a newer update re-creates it", async () => {
    await deliver("customers/create", customer(101, 10), at(10));
    await deliver("customers/delete", { id: 101 }, at(30));
    expect(await customerRow(101)).toBeUndefined();
    expect(await tombstone("customers", 101)).toMatchObject({ deletedAt: at(30), reason: "deleted" });

    // Sent before the deletion (updated at 20), delivered after it: a reordered delivery, then Shopify's retry of it.
    await deliver("customers/update", customer(101, 20, { first_name: "Late" }), at(20));
    await deliver("customers/update", customer(101, 20, { first_name: "Late" }), at(20));
    // Updated at the very instant of the deletion: the version the deletion removed.
    await deliver("customers/update", customer(101, 30, { first_name: "Same second" }), at(30));
    expect(await customerRow(101)).toBeUndefined();

    // Newer than the deletion: Shopify's own word that the record exists (ids are never reused, so
    // this does not happen in practice; the rule is the same "newer wins" as for every update).
    await deliver("customers/update", customer(101, 40, { first_name: "Back" }), at(40));
    expect(await customerRow(101)).toMatchObject({ firstName: "Back", updatedAt: at(40) });
    expect(await tombstone("customers", 101)).toBeUndefined(); // it exists again
    await deliver("customers/update", customer(101, 20, { first_name: "Late" }), at(20));
    expect(await customerRow(101)).toMatchObject({ firstName: "Back" });
    await expectCountsExact();
  });

  it("ends the same whatever order a deletion and a newer update arrive in", async () => {
    await deliver("customers/create", customer(102, 10), at(10));
    await deliver("customers/update", customer(102, 40, { first_name: "Newer" }), at(40));
    // The deletion at 30 arrives after the version of 40: that version stays, as it does when they arrive in order.
    await deliver("customers/delete", { id: 102 }, at(30));
    expect(await customerRow(102)).toMatchObject({ firstName: "Newer", updatedAt: at(40) });
    expect(await tombstone("customers", 102)).toBeUndefined();
    await expectCountsExact();
  });

  it("dates a deletion delivered without X-Shopify-Triggered-At from when it was received", async () => {
    await deliver("customers/create", customer(103, 10), at(10));
    const received = await deliver("customers/delete", { id: 103 }, null);
    expect((await tombstone("customers", 103))!.deletedAt).toEqual(received.receivedAt);
    await deliver("customers/update", customer(103, 20), at(20));
    expect(await customerRow(103)).toBeUndefined();
  });

  it("keeps a deleted product and its variants deleted when an older update arrives after the deletion", async () => {
    await deliver("products/create", product(201, 10, "Mug"), at(10));
    expect(await variants(201)).toHaveLength(1);
    await deliver("products/delete", { id: 201 }, at(30));
    await deliver("products/update", product(201, 20, "Renamed mug"), at(20));
    expect(await getDb().select().from(shopProducts).where(and(eq(shopProducts.storeId, storeId), eq(shopProducts.shopifyId, BigInt(201))))).toHaveLength(0);
    expect(await variants(201)).toHaveLength(0);
    await expectCountsExact();
  });

  it("applies orders/delete: the order, its lines and refunds go, and late updates and refunds bring none of them back", async () => {
    const refund = { id: 3011, order_id: 301, created_at: T(15), transactions: [{ amount: "5.00", kind: "refund", status: "success" }] };
    await deliver("orders/create", order(301, 10), at(10));
    await deliver("refunds/create", refund, at(15));
    expect(await orderRow(301)).toMatchObject({ refunded: "5.0000" });
    await deliver("orders/delete", { id: 301 }, at(30));
    expect(await orderRow(301)).toBeUndefined();
    expect(await tombstone("orders", 301)).toMatchObject({ reason: "deleted", deletedAt: at(30) });

    await deliver("orders/updated", order(301, 20, { refunds: [refund] }), at(20));
    await deliver("refunds/create", { ...refund, id: 3012 }, at(25));
    expect(await orderRow(301)).toBeUndefined();
    expect(await lines(301)).toHaveLength(0);
    expect(await refunds(301)).toHaveLength(0);
    await expectCountsExact();
  });

  it("keeps a redacted customer's personal data out: no profile from an older update, no contact details on their orders", async () => {
    await deliver("customers/create", customer(401, 10), at(10));
    await deliver("orders/create", order(402, 10, { customer: { id: 401 } }), at(10));
    // A guest order with the customer's address, named by the request.
    await deliver("orders/create", order(403, 10), at(10));
    await deliver("customers/redact", { shop_domain: shopDomain, customer: { id: 401, email: "c401@example.com" }, orders_to_redact: [403] }, at(30));
    expect(await customerRow(401)).toBeUndefined();
    expect(await orderRow(402)).toMatchObject({ email: null, phone: null });
    expect(await tombstone("customers", 401)).toMatchObject({ reason: "redacted", deletedAt: at(30) });

    // Deliveries sent before the redaction, arriving after it.
    await deliver("customers/update", customer(401, 20), at(20));
    await deliver("orders/updated", order(402, 20, { customer: { id: 401 }, total_price: "25.00" }), at(20));
    await deliver("orders/updated", order(403, 20, { total_price: "26.00" }), at(20));
    // An order of theirs we had not seen yet.
    await deliver("orders/create", order(404, 20, { customer: { id: 401 } }), at(20));
    expect(await customerRow(401)).toBeUndefined();
    // The orders themselves are current (an order is the brand's record too), without the contact details.
    expect(await orderRow(402)).toMatchObject({ total: "25.0000", email: null, phone: null });
    expect(await orderRow(403)).toMatchObject({ total: "26.0000", email: null, phone: null });
    expect(await orderRow(404)).toMatchObject({ email: null, phone: null });

    // A version Shopify sent after the redaction is its word on the order now.
    await deliver("orders/updated", order(402, 40, { customer: { id: 401 }, email: "new@example.com" }), at(40));
    expect(await orderRow(402)).toMatchObject({ email: "new@example.com" });
    await expectCountsExact();
  });

  it("makes a deletion wait for a write in flight, then removes what it wrote", async () => {
    // An older customers/update being applied (its transaction not yet committed) when the deletion comes.
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const writer = getDb().transaction(async (tx) => {
      await writeCustomer(tx, { id: storeId, brandId }, customerRowFromWebhook(customer(501, 20)));
      written();
      await held;
    });
    await wrote;
    const deletion = deliver("customers/delete", { id: 501 }, at(30));
    await waitedOrSettled(deletion, "customers");
    commit();
    await writer;
    await deletion;
    expect(await customerRow(501)).toBeUndefined();
    await expectCountsExact();
  });

  describe("promotion of a history sync's chunk", () => {
    const staged: { stepId: string; def: EntityDef }[] = [];
    afterAll(async () => {
      for (const s of staged) await dropStaging(sql(), s.stepId, s.def);
    });

    async function stage(def: EntityDef, fill: (rows: ChunkRows) => void, seq = 1) {
      const stepId = randomUUID();
      staged.push({ stepId, def });
      await createStaging(sql(), stepId, def);
      const rows = new ChunkRows(seq, def.tables);
      fill(rows);
      await sql().begin((tx) => copyChunk(tx, stepId, def, rows));
      return { promote: (tx: postgres.TransactionSql) => promoteChunk(tx, { stepId, def, tables: def.tables, brandId, storeId, seq }) };
    }
    const customers = (ids: number[], updated: number) => (rows: ChunkRows) => {
      for (const id of ids) rows.add("customers", customerRowFromWebhook(customer(id, updated)));
    };

    it("leaves out customers deleted after the export was read, into an empty store and over stored rows", async () => {
      // Into rows the store does not have: promotion's plain INSERT.
      const fresh = await stage(ENTITY_DEFS.customers, customers([601, 602, 603], 10));
      await deliver("customers/delete", { id: 602 }, at(30));
      // Deleted before the version the export read (so that version is Shopify's newer word): promoted, and its tombstone cleared.
      await deliver("customers/delete", { id: 603 }, at(5));
      await sql().begin((tx) => fresh.promote(tx));
      expect((await customerRow(601))?.updatedAt).toEqual(at(10));
      expect(await customerRow(602)).toBeUndefined();
      expect(await tombstone("customers", 602)).toMatchObject({ deletedAt: at(30) });
      expect(await customerRow(603)).toMatchObject({ updatedAt: at(10) });
      expect(await tombstone("customers", 603)).toBeUndefined();

      // Over a stored row (a webhook was first): the plain INSERT fails and the chunk is upserted.
      await deliver("customers/create", customer(611, 5), at(5));
      const over = await stage(ENTITY_DEFS.customers, customers([611, 612, 613], 10));
      await deliver("customers/delete", { id: 612 }, at(30));
      await deliver("customers/delete", { id: 611 }, at(30));
      await sql().begin((tx) => over.promote(tx));
      expect(await customerRow(611)).toBeUndefined();
      expect(await customerRow(612)).toBeUndefined();
      expect(await customerRow(613)).toMatchObject({ updatedAt: at(10) });
      await expectCountsExact();
    });

    it("leaves out deleted orders with their lines and refunds, and writes a redacted customer's orders without contact details", async () => {
      await deliver("customers/redact", { shop_domain: shopDomain, customer: { id: 701 }, orders_to_redact: [] }, at(30));
      const refund = { id: 7021, order_id: 702, created_at: T(8), transactions: [{ amount: "1.00", kind: "refund", status: "success" }] };
      const chunk = await stage(ENTITY_DEFS.orders, (rows) => {
        for (const body of [order(702, 10, { refunds: [refund] }), order(703, 10, { customer: { id: 701 } }), order(704, 10), order(705, 10)]) {
          const r = orderRowsFromWebhook(body);
          rows.add("orders", r.order);
          for (const l of r.lines) rows.add("lines", l);
          for (const f of r.refunds) rows.add("refunds", f);
        }
      });
      await deliver("orders/delete", { id: 702 }, at(30));
      await deliver("orders/delete", { id: 705 }, at(5)); // before the version read: that version comes in, lines and all
      await sql().begin((tx) => chunk.promote(tx));
      expect(await orderRow(702)).toBeUndefined();
      expect(await lines(702)).toHaveLength(0);
      expect(await refunds(702)).toHaveLength(0);
      expect(await orderRow(703)).toMatchObject({ email: null, phone: null, total: "20.0000" });
      expect(await lines(703)).toHaveLength(1);
      expect(await orderRow(704)).toMatchObject({ email: "buyer@example.com", phone: "+15550100" });
      expect(await orderRow(705)).toBeDefined();
      expect(await lines(705)).toHaveLength(1);
      expect(await tombstone("orders", 705)).toBeUndefined();
      await expectCountsExact();
    });

    it("makes a deletion wait for a chunk being promoted, then removes what the chunk wrote", async () => {
      const chunk = await stage(ENTITY_DEFS.customers, customers([801, 802], 10));
      let commit!: () => void;
      const held = new Promise<void>((r) => (commit = r));
      let promoted!: () => void;
      const inserted = new Promise<void>((r) => (promoted = r));
      const promotion = sql().begin(async (tx) => {
        await chunk.promote(tx);
        promoted();
        await held;
      });
      await inserted;
      const deletion = deliver("customers/delete", { id: 801 }, at(30));
      await waitedOrSettled(deletion, "customers");
      commit();
      await promotion;
      await deletion;
      expect(await customerRow(801)).toBeUndefined();
      expect(await customerRow(802)).toBeDefined();
      await expectCountsExact();
    });
  });

  /**
   * Resolves once `deletion` has finished, or is waiting for this store's record lock of `entity`
   * (so a test can release what it holds knowing the deletion came first). Without the lock the
   * deletion finishes at once, and the assertions after the release show what that costs.
   */
  async function waitedOrSettled(deletion: Promise<unknown>, entity: "orders" | "customers" | "products") {
    let settled = false;
    void deletion.then(
      () => (settled = true),
      () => (settled = true),
    );
    const key = { orders: 1, customers: 2, products: 3 }[entity];
    await eventually(
      async () => {
        if (settled) return true;
        const [w] = await sql()`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and objsubid = 2 and objid = ${key}
          and classid::bigint = (hashtext(${storeId}::text)::bigint & 4294967295)`;
        return w!.n > 0;
      },
      { label: "the deletion to finish or wait for the write in flight" },
    );
  }
});
