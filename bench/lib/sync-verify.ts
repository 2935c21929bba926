import type postgres from "postgres";

/** The emulator's own account of the shop (`GET /_emulator/shops/:shop/truth`). */
export interface ShopTruth {
  counts: { orders: number; customers: number; products: number; lineItems: number; refunds: number };
  money: Record<string, { orders: number; total: string; refunded: string }>;
}

/** Exact decimal text with trailing zeros beyond the cents trimmed: "1234.5000" → "1234.50". */
const fixed = (v: string | null) => {
  const [units, frac = ""] = (v ?? "0").split(".");
  return `${units}.${frac.replace(/0+$/, "").padEnd(2, "0")}`;
};

/**
 * Checks a finished history sync against the shop, beyond counts: the run and each step are done
 * and the sync's own completeness check agreed; orders, line items, refunds, customers and products
 * number what the shop holds; per currency, order counts, totals and refunded amounts equal the
 * shop's to the cent, and so do the refund rows' amounts; no line item, refund or variant is
 * orphaned. Throws, naming every difference, when anything is off.
 */
export async function verifySync(sql: postgres.Sql, input: { storeId: string; runId: string; truth: ShopTruth }) {
  const problems: string[] = [];
  const expect = (what: string, ours: unknown, shop: unknown) => {
    if (JSON.stringify(ours) !== JSON.stringify(shop)) problems.push(`${what}: ours ${JSON.stringify(ours)}, the shop's ${JSON.stringify(shop)}`);
  };
  const { storeId, truth } = input;

  const [run] = await sql<{ status: string; steps: string[] }[]>`select r.status, array_agg(s.phase::text order by s.entity) as steps
    from sync_runs r join sync_steps s on s.run_id = r.id where r.id = ${input.runId} group by r.status`;
  expect("run and steps", run, { status: "done", steps: ["done", "done", "done"] });
  const [check] = await sql<{ ok: boolean }[]>`select ok from sync_checks where store_id = ${storeId} and trigger = 'history' order by checked_at desc limit 1`;
  expect("the sync's completeness check", check?.ok, true);

  const count = async (table: string) => Number((await sql.unsafe(`select count(*) as n from ${table} where store_id = $1`, [storeId]))[0]!.n);
  const counts = {
    orders: await count("shop_orders"),
    customers: await count("shop_customers"),
    products: await count("shop_products"),
    lineItems: await count("shop_line_items"),
    refunds: await count("shop_refunds"),
  };
  expect("counts", counts, truth.counts);

  const orders = await sql<{ currency: string; orders: string; total: string; refunded: string; refundRows: string | null }[]>`
    select o.currency, count(*) as orders, sum(o.total)::text as total, sum(o.refunded)::text as refunded,
      (select sum(r.amount) from shop_refunds r join shop_orders ro on ro.store_id = r.store_id and ro.shopify_id = r.order_shopify_id
        where r.store_id = ${storeId} and ro.currency = o.currency)::text as "refundRows"
    from shop_orders o where o.store_id = ${storeId} group by o.currency order by o.currency`;
  const money = Object.fromEntries(orders.map((r) => [r.currency, { orders: Number(r.orders), total: fixed(r.total), refunded: fixed(r.refunded) }]));
  const shopMoney = Object.fromEntries(Object.entries(truth.money).map(([c, m]) => [c, { orders: m.orders, total: fixed(m.total), refunded: fixed(m.refunded) }]));
  expect("money per currency (orders, total, refunded)", money, shopMoney);
  const refundRows = Object.fromEntries(orders.map((r) => [r.currency, fixed(r.refundRows)]));
  expect("refund rows' amounts per currency", refundRows, Object.fromEntries(Object.entries(shopMoney).map(([c, m]) => [c, m.refunded])));

  const [orphans] = await sql<{ lines: string; refunds: string; variants: string }[]>`select
    (select count(*) from shop_line_items l where l.store_id = ${storeId}
      and not exists (select 1 from shop_orders o where o.store_id = l.store_id and o.shopify_id = l.order_shopify_id)) as lines,
    (select count(*) from shop_refunds r where r.store_id = ${storeId}
      and not exists (select 1 from shop_orders o where o.store_id = r.store_id and o.shopify_id = r.order_shopify_id)) as refunds,
    (select count(*) from shop_variants v where v.store_id = ${storeId}
      and not exists (select 1 from shop_products p where p.store_id = v.store_id and p.shopify_id = v.product_shopify_id)) as variants`;
  expect("orphaned line items, refunds, variants", [orphans!.lines, orphans!.refunds, orphans!.variants].map(Number), [0, 0, 0]);

  if (problems.length) throw new Error(`The synced store differs from the shop:\n  ${problems.join("\n  ")}`);
  return { ...counts, variants: await count("shop_variants"), currencies: Object.keys(money).length, check_ok: true };
}
