import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rngFor } from "~/emulator/store/random";
import { getDb } from "~/server/db/client";
import { summaryDrift } from "~/server/services/analytics/summaries";
import { type DataChange, mapDataWebhook, writeDataChanges } from "~/server/services/commerce/apply";
import type { Store } from "~/server/services/commerce/write";
import { servicesReady } from "../helpers/context";

type Row = Record<string, unknown>;
type Body = Record<string, unknown>;

const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../fixtures/shopify/${name}.json`), "utf8")) as Body;
const ORDER = fixture("orders-create");
const CUSTOMER = fixture("customers-create");
const PRODUCT = fixture("products-create");
const REFUND = fixture("refunds-create");

/**
 * A random stretch of a shop's webhooks over a few records, so versions compete: orders created,
 * updated (newer, older and equal versions), refunded and deleted; customers and products created,
 * updated and deleted. Ids within 2^53, so JSON keeps them exact.
 */
function randomChanges(seed: number, count: number): DataChange[] {
  const random = rngFor(seed, 1, 0);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random.next() * items.length)]!;
  const at = (minute: number) => new Date(Date.parse("2026-11-27T08:00:00Z") + minute * 60_000).toISOString();
  const changes: DataChange[] = [];
  for (let i = 0; i < count; i++) {
    const minute = Math.floor(random.next() * 30);
    const order = 9_100_000 + Math.floor(random.next() * 12);
    const customer = 9_200_000 + Math.floor(random.next() * 5);
    const product = 9_300_000 + Math.floor(random.next() * 3);
    const kind = random.next();
    const change = (topic: string, body: Body) => changes.push(mapDataWebhook({ topic, body, triggeredAt: new Date(at(minute + 1)) }));
    if (kind < 0.4) {
      const lines = (ORDER.line_items as Body[]).slice(0, 1 + Math.floor(random.next() * 2)).map((l, k) => ({ ...l, id: order * 10 + k, quantity: 1 + Math.floor(random.next() * 3) }));
      change(pick(["orders/create", "orders/updated", "orders/cancelled"]), {
        ...ORDER,
        id: order,
        name: `#${order}`,
        updated_at: at(minute),
        created_at: at(0),
        note: `version ${minute}`,
        customer: { ...(ORDER.customer as Body), id: customer, email: `c${customer}@batch.test` },
        line_items: lines,
        refunds: [],
      });
    } else if (kind < 0.5) {
      change("refunds/create", {
        ...REFUND,
        id: 9_400_000 + i,
        order_id: order,
        refund_line_items: [],
        transactions: (REFUND.transactions as Body[]).map((t) => ({ ...t, id: 9_500_000 + i, order_id: order, amount: `${1 + Math.floor(random.next() * 20)}.00` })),
      });
    } else if (kind < 0.58) change("orders/delete", { id: order });
    else if (kind < 0.8) {
      change(pick(["customers/create", "customers/update"]), { ...CUSTOMER, id: customer, email: `c${customer}@batch.test`, updated_at: at(minute), last_name: `version ${minute}`, addresses: [], default_address: null });
    } else if (kind < 0.86) change("customers/delete", { id: customer });
    else if (kind < 0.96) {
      const variants = (PRODUCT.variants as Body[]).map((v, k) => ({ ...v, id: product * 10 + k, product_id: product, title: `v${minute}` }));
      change(pick(["products/create", "products/update"]), { ...PRODUCT, id: product, updated_at: at(minute), title: `version ${minute}`, variants, images: [], image: null, media: [], variant_gids: [] });
    } else change("products/delete", { id: product });
  }
  return changes;
}

/** Everything the writers keep for a store, without its own ids. */
async function snapshot(storeId: string) {
  const strip = (table: string, order: string) =>
    getDb().execute<Row>(sql.raw(`select to_jsonb(t) - 'id' - 'store_id' - 'brand_id' as r from ${table} t where store_id = '${storeId}' order by ${order}`));
  return {
    orders: await strip("shop_orders", "shopify_id"),
    lines: await strip("shop_line_items", "shopify_id"),
    refunds: await strip("shop_refunds", "shopify_id"),
    customers: await strip("shop_customers", "shopify_id"),
    products: await strip("shop_products", "shopify_id"),
    variants: await strip("shop_variants", "shopify_id"),
    tombstones: await strip("shop_tombstones", "entity, shopify_id"),
  };
}

async function newStore(brandId: string): Promise<Store> {
  const id = randomUUID();
  await getDb().execute(sql`insert into stores (id, brand_id, shop_domain, status, scopes, currency, iana_timezone)
    values (${id}, ${brandId}, ${`batch-${id.slice(0, 8)}.myshopify.com`}, 'connected', '', 'USD', 'Europe/Athens')`);
  return { id, brandId };
}

describe.skipIf(!servicesReady)("a webhook batch written together", () => {
  it.each([1, 2, 3, 4])("leaves exactly what writing its changes one after another leaves (seed %i)", async (seed) => {
    const brandId = randomUUID();
    await getDb().execute(sql`insert into brands (id, name, slug) values (${brandId}, 'Batch', ${`batch-${brandId.slice(0, 8)}`})`);
    const [together, inTurn] = [await newStore(brandId), await newStore(brandId)];
    const changes = randomChanges(seed, 160);
    expect(new Set(changes.map((c) => c.kind))).toEqual(new Set(["orders", "refund", "delete", "customers", "products"]));

    await getDb().transaction((tx) => writeDataChanges(tx, [together], changes));
    for (const change of changes) await getDb().transaction((tx) => writeDataChanges(tx, [inTurn], [change]));

    const [a, b] = [await snapshot(together.id), await snapshot(inTurn.id)];
    expect(a.orders.length + a.customers.length + a.products.length).toBeGreaterThan(0);
    expect(a.tombstones.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
    for (const store of [together, inTurn]) expect(await summaryDrift({ db: getDb() }, { storeId: store.id })).toEqual({ missing: [], extra: [] });
  });
});
