import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { stores } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { compactStoreCounts, storeCounts } from "~/server/services/stores/counts";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

/**
 * The stores list's counts are maintained by the tables' statement triggers, so every writer
 * (promotion's plain INSERT and its upsert, webhooks' upserts, deletions, redaction) keeps them
 * current; this proves them equal to a recount through each kind of statement.
 */
describe.skipIf(!servicesReady)("maintained store counts", () => {
  let infra: Infra;
  let brand: { id: string; slug: string };
  let storeId: string;
  const sql = () => getSql();

  const recount = async () => {
    const [r] = await sql()<{ orders: string; customers: string; products: string }[]>`select
      (select count(*) from shop_orders where store_id = ${storeId}) as orders,
      (select count(*) from shop_customers where store_id = ${storeId}) as customers,
      (select count(*) from shop_products where store_id = ${storeId}) as products`;
    return { orders: Number(r!.orders), customers: Number(r!.customers), products: Number(r!.products) };
  };
  const maintained = async () => (await storeCounts({ db: getDb() }, { storeIds: [storeId] })).get(storeId) ?? { orders: 0, customers: 0, products: 0 };

  /** Orders with the given Shopify ids, inserted or (when present) updated, in one statement like promotion's upsert. */
  const upsertOrders = (ids: number[], updatedAt: string, tx = sql()) =>
    tx`insert into shop_orders (brand_id, store_id, shopify_id, currency, total, created_at, updated_at)
      select ${brand.id}::uuid, ${storeId}::uuid, id, 'EUR', 10, now(), ${updatedAt}::timestamptz from unnest(${ids}::bigint[]) id
      on conflict (store_id, shopify_id) do update set updated_at = excluded.updated_at where shop_orders.updated_at < excluded.updated_at`;

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("counts-owner");
    brand = await callerFor(owner, infra).brands.create({ name: "Counts Brand" });
    const [store] = await getDb().insert(stores).values({ brandId: brand.id, shopDomain: "counts.myshopify.com", status: "connected" }).returning();
    storeId = store!.id;
  });
  afterAll(() => infra.close());

  it("counts inserts, upserts that insert some rows and update others, and deletions", async () => {
    await upsertOrders([1, 2, 3, 4, 5], "2026-01-01T00:00:00Z");
    expect(await maintained()).toEqual(await recount());
    // Three exist (updated), two are new: only the new ones count.
    await upsertOrders([4, 5, 6, 7, 1], "2026-01-02T00:00:00Z");
    expect((await maintained()).orders).toBe(7);
    await sql()`insert into shop_customers (brand_id, store_id, shopify_id, updated_at) select ${brand.id}::uuid, ${storeId}::uuid, g, now() from generate_series(1, 40) g`;
    await sql()`insert into shop_products (brand_id, store_id, shopify_id, title, updated_at) values (${brand.id}, ${storeId}, 1, 'Mug', now()), (${brand.id}, ${storeId}, 2, 'Cup', now())`;
    await sql()`delete from shop_orders where store_id = ${storeId} and shopify_id in (2, 3)`;
    await sql()`delete from shop_customers where store_id = ${storeId} and shopify_id > 30`;
    expect(await maintained()).toEqual({ orders: 5, customers: 30, products: 2 });
    expect(await maintained()).toEqual(await recount());
  });

  /** Customers with the given Shopify ids, inserted or updated, in one statement like promotion's upsert. */
  const upsertCustomers = (ids: number[], updatedAt: string, tx = sql()) =>
    tx`insert into shop_customers (brand_id, store_id, shopify_id, updated_at)
      select ${brand.id}::uuid, ${storeId}::uuid, id, ${updatedAt}::timestamptz from unnest(${ids}::bigint[]) id
      on conflict (store_id, shopify_id) do update set updated_at = excluded.updated_at where shop_customers.updated_at < excluded.updated_at`;

  /** Runs `write` while another transaction holds `hold`'s writes open; whether it committed or was still waiting after 3 s. */
  async function whileHeld(hold: (tx: ReturnType<typeof sql>) => Promise<unknown>, write: () => Promise<unknown>): Promise<{ raced: string; done: Promise<unknown> }> {
    const first = await sql().reserve();
    try {
      await first`begin`;
      await hold(first as never);
      const done = write();
      const raced = await Promise.race([done.then(() => "committed"), new Promise<string>((r) => setTimeout(() => r("blocked"), 3_000))]);
      await first`commit`;
      return { raced, done };
    } catch (err) {
      await first`rollback`.catch(() => {});
      throw err;
    } finally {
      first.release();
    }
  }

  it("never makes two writers of one store wait for each other (the counts take no row lock)", async () => {
    const { raced, done } = await whileHeld((tx) => upsertCustomers([100, 101], "2026-01-03T00:00:00Z", tx), () => upsertCustomers([200, 201, 202], "2026-01-03T00:00:00Z"));
    await done;
    expect(raced).toBe("committed");
    expect(await maintained()).toEqual(await recount());
  });

  it("lets a store's order writers take turns (the maintained summaries share rows), and counts both", async () => {
    const { raced, done } = await whileHeld((tx) => upsertOrders([110, 111], "2026-01-03T00:00:00Z", tx), () => upsertOrders([210, 211, 212], "2026-01-03T00:00:00Z"));
    expect(raced).toBe("blocked");
    await done;
    expect(await maintained()).toEqual(await recount());
  });

  it("stays exact when compacted alongside writers", async () => {
    await Promise.all([
      compactStoreCounts({ db: getDb() }, { storeId }),
      upsertOrders([300, 301], "2026-01-04T00:00:00Z"),
      compactStoreCounts({ db: getDb() }, { storeId }),
    ]);
    await compactStoreCounts({ db: getDb() }, { storeId });
    const [{ rows }] = (await sql()`select count(*)::int as rows from store_count_deltas where store_id = ${storeId}`) as unknown as [{ rows: number }];
    expect(rows).toBe(3);
    expect(await maintained()).toEqual(await recount());
  });

  it("shows the counts in the brand's stores list", async () => {
    const owner = await createUser("counts-reader");
    const mine = await callerFor(owner, infra).brands.create({ name: "Counts Reader Brand" });
    const [store] = await getDb().insert(stores).values({ brandId: mine.id, shopDomain: "counts-reader.myshopify.com", status: "connected" }).returning();
    await sql()`insert into shop_orders (brand_id, store_id, shopify_id, currency, total, created_at, updated_at)
      select ${mine.id}::uuid, ${store!.id}::uuid, g, 'USD', 1, now(), now() from generate_series(1, 12) g`;
    const { stores: listed } = await callerFor(owner, infra).stores.list({ brand: mine.slug });
    expect(listed).toMatchObject([{ id: store!.id, orders: 12, customers: 0, products: 0 }]);
  });
});
