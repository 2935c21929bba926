import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { getShopContext, type ShopContext } from "./shop-context";

/** A period of the Overview: the last N days counted in the shop's time zone (today included), or all time. */
export type OverviewPeriod = 7 | 30 | 90 | 365 | "all";

export interface OverviewInput {
  brandId: string;
  period: OverviewPeriod;
  /** The currency to report money in; absent (or one without orders) the brand's main currency. */
  currency?: string | null;
  /** "Now" (tests pin it). */
  now?: Date;
}

/** Money stays exact: sums are numeric in SQL and travel as decimal strings. */
export type CurrencyTotals = {
  currency: string;
  orders: number;
  gross: string;
  refunded: string;
  net: string;
  aov: string;
};

const first = <T>(rows: Iterable<T>): T | undefined => [...rows][0];

/**
 * Where the period begins and ends: `from` is midnight in `zone` N−1 days before today there (all
 * time: the local midnight before the brand's first order), `to` is now.
 */
async function periodBounds(db: Db, input: { brandId: string; period: OverviewPeriod; zone: string; now: Date }): Promise<{ from: Date; to: Date }> {
  const now = input.now.toISOString();
  const row =
    input.period === "all"
      ? first(
          await db.execute<{ from: number | null }>(sql`
            select extract(epoch from date_trunc('day', min(created_at) at time zone ${input.zone}) at time zone ${input.zone})::float8 * 1000 as from
            from shop_orders where brand_id = ${input.brandId}`),
        )
      : first(
          await db.execute<{ from: number }>(sql`
            select extract(epoch from (date_trunc('day', ${now}::timestamptz at time zone ${input.zone}) - make_interval(days => ${input.period - 1}::int)) at time zone ${input.zone})::float8 * 1000 as from`),
        );
  // No order yet (all time): the last 30 days, so the chart has an axis.
  const from = row?.from !== null && row?.from !== undefined ? new Date(Number(row.from)) : new Date(Date.parse(now) - 30 * 86_400_000);
  return { from, to: input.now };
}

/**
 * A brand's sales over a period, from the synced tables, in its shops' own terms: days in the main
 * store's time zone, money per currency (each order's `currency` is its shop's currency; a brand
 * with shops in several currencies picks one to read, the main one by default), orders counted in
 * every currency too. Top products by units, and customers: new and returning when the period has a
 * before, and the share of repeat customers (two orders or more in the period) always.
 */
export async function getOverview(deps: { db: Db }, input: OverviewInput) {
  const context: ShopContext = await getShopContext(deps, { brandId: input.brandId });
  const zone = context.timeZone;
  const { from, to } = await periodBounds(deps.db, { brandId: input.brandId, period: input.period, zone, now: input.now ?? new Date() });
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const inPeriod = sql`o.brand_id = ${input.brandId} and o.created_at >= ${fromIso}::timestamptz and o.created_at < ${toIso}::timestamptz`;

  const totals = [
    ...(await deps.db.execute<CurrencyTotals>(sql`
      select o.currency, count(*)::int as orders,
        coalesce(sum(o.total), 0)::numeric(20,2)::text as gross,
        coalesce(sum(o.refunded), 0)::numeric(20,2)::text as refunded,
        coalesce(sum(o.total - o.refunded), 0)::numeric(20,2)::text as net,
        coalesce(avg(o.total), 0)::numeric(20,2)::text as aov
      from shop_orders o where ${inPeriod}
      group by o.currency order by count(*) desc, o.currency`)),
  ];

  // The main currency: the main store's own; before any store told us its currency, the one with most orders.
  const mainCurrency = context.mainStore?.currency ?? context.storeCurrencies[0] ?? totals[0]?.currency ?? null;
  const currencies = [...new Set([...(mainCurrency ? [mainCurrency] : []), ...context.storeCurrencies, ...totals.map((t) => t.currency)])];
  const currency = input.currency && currencies.includes(input.currency) ? input.currency : mainCurrency;
  const selected: CurrencyTotals | null = currency
    ? (totals.find((t) => t.currency === currency) ?? { currency, orders: 0, gross: "0.00", refunded: "0.00", net: "0.00", aov: "0.00" })
    : null;

  // Every local day of the period, zero where nothing sold, so the chart does not draw across gaps.
  // (Raw SQL gets timestamps as ISO text: the driver takes no Date in untyped parameters.)
  const daily = currency
    ? [
        ...(await deps.db.execute<{ day: string; orders: number; gross: string; net: string }>(sql`
          with sold as (
            select (o.created_at at time zone ${zone})::date as day, count(*)::int as orders, sum(o.total) as gross, sum(o.total - o.refunded) as net
            from shop_orders o where ${inPeriod} and o.currency = ${currency}
            group by 1
          )
          select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(s.orders, 0)::int as orders,
            coalesce(s.gross, 0)::numeric(20,2)::text as gross, coalesce(s.net, 0)::numeric(20,2)::text as net
          from generate_series((${fromIso}::timestamptz at time zone ${zone})::date, (${toIso}::timestamptz at time zone ${zone})::date, interval '1 day') as d(day)
          left join sold s on s.day = d.day::date
          order by d.day`)),
      ]
    : [];

  const topProducts = [
    ...(await deps.db.execute<{ productShopifyId: number | null; title: string; quantity: number; orders: number }>(sql`
      select l.product_shopify_id as "productShopifyId",
        coalesce(max(p.title), max(l.title), 'Unknown product') as title,
        sum(l.quantity)::int as quantity, count(distinct (l.store_id, l.order_shopify_id))::int as orders
      from shop_line_items l
      join shop_orders o on o.store_id = l.store_id and o.shopify_id = l.order_shopify_id
      left join shop_products p on p.store_id = l.store_id and p.shopify_id = l.product_shopify_id
      where ${inPeriod}
      group by l.product_shopify_id
      order by sum(l.quantity) desc, 2
      limit 5`)),
  ];

  // New: the customer's first known order falls in the period. Returning: they ordered before it.
  // Repeat: two orders or more within the period (what "returning" means when there is no before).
  const customers = first(
    await deps.db.execute<{ customers: number; new_customers: number; returning_customers: number; repeat_customers: number; guests: number; has_before: boolean }>(sql`
      with firsts as (
        select store_id, customer_shopify_id, min(created_at) as first_at
        from shop_orders where brand_id = ${input.brandId} and customer_shopify_id is not null
        group by store_id, customer_shopify_id
      ),
      per as (
        select o.store_id, o.customer_shopify_id, count(*) as n
        from shop_orders o where ${inPeriod} and o.customer_shopify_id is not null
        group by o.store_id, o.customer_shopify_id
      )
      select count(*)::int as customers,
        count(*) filter (where f.first_at >= ${fromIso}::timestamptz)::int as new_customers,
        count(*) filter (where f.first_at < ${fromIso}::timestamptz)::int as returning_customers,
        count(*) filter (where per.n >= 2)::int as repeat_customers,
        (select count(*) from shop_orders o where ${inPeriod} and o.customer_shopify_id is null)::int as guests,
        exists (select 1 from shop_orders b where b.brand_id = ${input.brandId} and b.created_at < ${fromIso}::timestamptz) as has_before
      from per join firsts f on f.store_id = per.store_id and f.customer_shopify_id = per.customer_shopify_id`),
  );
  const withOrders = customers?.customers ?? 0;

  return {
    period: { from, to, key: input.period },
    timeZone: zone,
    timeZoneSource: context.timeZoneSource,
    mainStore: context.mainStore ? { shopDomain: context.mainStore.shopDomain } : null,
    /** Orders in every currency. */
    allOrders: totals.reduce((n, t) => n + t.orders, 0),
    /** Per currency, most orders first. */
    totals,
    mainCurrency,
    /** Currencies the brand's figures can be read in (main first). */
    currencies,
    /** The figures below are in this currency. */
    currency,
    selected,
    daily,
    topProducts,
    customers: {
      withOrders,
      new: customers?.new_customers ?? 0,
      returning: customers?.returning_customers ?? 0,
      guestOrders: customers?.guests ?? 0,
      repeat: customers?.repeat_customers ?? 0,
      /** Share (0–1) of the period's customers who ordered at least twice in it; null without customers. */
      repeatRate: withOrders ? (customers?.repeat_customers ?? 0) / withOrders : null,
      /** Whether the brand has orders before the period ("returning" means something). */
      hasBefore: customers?.has_before ?? false,
    },
  };
}

export type Overview = Awaited<ReturnType<typeof getOverview>>;
