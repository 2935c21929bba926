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

/** How long a chart bucket is: a local day, a week (Monday to Sunday) or a calendar month. */
export type ChartGrain = "day" | "week" | "month";

export interface ChartBucket {
  /** The bucket's first day in the period (YYYY-MM-DD). */
  day: string;
  /** Its last day in the period (today for the last bucket). */
  lastDay: string;
  orders: number;
  gross: string;
  net: string;
  /** Fewer days than a whole bucket: the period cuts it, or it ends today (a day still under way). */
  partial: boolean;
}

const first = <T>(rows: Iterable<T>): T | undefined => [...rows][0];

/** Calendar arithmetic on YYYY-MM-DD. */
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(dayMs(day) + n * 86_400_000);
const daysBetween = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / 86_400_000);
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (day: string) => {
  const d = new Date(dayMs(monthStart(day)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return isoDay(d.getTime());
};
/** Monday of the day's week. */
const weekStart = (day: string) => addDays(day, -((new Date(dayMs(day)).getUTCDay() + 6) % 7));

/** Days up to a quarter are drawn day by day; up to two years by week; longer by month, so a chart has at most ~100 bars. */
export function chartGrain(days: number): ChartGrain {
  return days <= 92 ? "day" : days <= 731 ? "week" : "month";
}

/** The buckets from `from` to `today`, zero where nothing sold, each with the days of the period it covers. */
export function chartBuckets(grain: ChartGrain, from: string, today: string, sold: Map<string, { orders: number; gross: string; net: string }>): ChartBucket[] {
  const startOf = grain === "day" ? (d: string) => d : grain === "week" ? weekStart : monthStart;
  const after = grain === "day" ? (d: string) => addDays(d, 1) : grain === "week" ? (d: string) => addDays(weekStart(d), 7) : nextMonth;
  const out: ChartBucket[] = [];
  for (let start = startOf(from); start <= today; start = after(start)) {
    const end = addDays(after(start), -1);
    const firstDay = start < from ? from : start;
    const lastDay = end > today ? today : end;
    const figures = sold.get(start) ?? { orders: 0, gross: "0.00", net: "0.00" };
    out.push({ day: firstDay, lastDay, ...figures, partial: start < from || end >= today });
  }
  return out;
}

/**
 * A brand's sales over a period, read from the maintained summaries (db/schema/summaries.ts), so
 * every period costs about the same: days in each store's own time zone, the period's days counted
 * in the main store's; money per currency (each order's `currency` is its shop's currency; a brand
 * with shops in several currencies picks one to read, the main one by default), orders counted in
 * every currency too. Top products by units, and customers: new and returning when the period has a
 * before, and the share of repeat customers (two orders or more in the period) always.
 */
export async function getOverview(deps: { db: Db }, input: OverviewInput) {
  const context: ShopContext = await getShopContext(deps, { brandId: input.brandId });
  const zone = context.timeZone;
  const now = input.now ?? new Date();
  const bounds = first(
    await deps.db.execute<{ today: string; first_day: string | null }>(sql`
      select to_char((${now.toISOString()}::timestamptz at time zone summary_zone(${zone}))::date, 'YYYY-MM-DD') as today,
        (select to_char(min(day), 'YYYY-MM-DD') from sales_days where brand_id = ${input.brandId} and orders > 0) as first_day`),
  )!;
  const today = bounds.today;
  // All time starts on the brand's first day of sales (the last 30 days before any, so the chart has an axis).
  const fromDay = input.period === "all" ? (bounds.first_day && bounds.first_day < today ? bounds.first_day : addDays(today, bounds.first_day ? 0 : -29)) : addDays(today, -(input.period - 1));
  const grain = chartGrain(daysBetween(fromDay, today) + 1);
  const brand = sql`brand_id = ${input.brandId} and day >= ${fromDay}::date`;

  const [totalsRows, customersRow, midnight] = await Promise.all([
    deps.db.execute<CurrencyTotals & { guests: number }>(sql`
      select currency, sum(orders)::int as orders, sum(guest_orders)::int as guests,
        sum(gross)::numeric(20,2)::text as gross, sum(refunded)::numeric(20,2)::text as refunded,
        sum(gross - refunded)::numeric(20,2)::text as net,
        (sum(gross) / nullif(sum(orders), 0))::numeric(20,2)::text as aov
      from sales_days where ${brand}
      group by currency having sum(orders) > 0 order by sum(orders) desc, currency`),
    deps.db.execute<{ customers: number; new_customers: number; repeat_customers: number; has_before: boolean }>(sql`
      select coalesce(sum(last_orders), 0)::int as customers, coalesce(sum(first_orders), 0)::int as new_customers,
        coalesce(sum(previous_orders), 0)::int as repeat_customers,
        exists (select 1 from sales_days b where b.brand_id = ${input.brandId} and b.day < ${fromDay}::date and b.orders > 0) as has_before
      from customer_days where ${brand}`),
    deps.db.execute<{ from: number }>(sql`select extract(epoch from (${fromDay}::date::timestamp at time zone summary_zone(${zone})))::float8 * 1000 as from`),
  ]);
  const totals: CurrencyTotals[] = [...totalsRows].map(({ guests: _, ...t }) => ({ ...t, aov: t.aov ?? "0.00" }));
  const guestOrders = [...totalsRows].reduce((n, t) => n + t.guests, 0);

  // The main currency: the main store's own; before any store told us its currency, the one with most orders.
  const mainCurrency = context.mainStore?.currency ?? context.storeCurrencies[0] ?? totals[0]?.currency ?? null;
  const currencies = [...new Set([...(mainCurrency ? [mainCurrency] : []), ...context.storeCurrencies, ...totals.map((t) => t.currency)])];
  const currency = input.currency && currencies.includes(input.currency) ? input.currency : mainCurrency;
  const selected: CurrencyTotals | null = currency
    ? (totals.find((t) => t.currency === currency) ?? { currency, orders: 0, gross: "0.00", refunded: "0.00", net: "0.00", aov: "0.00" })
    : null;

  const [sold, topProducts] = await Promise.all([
    currency
      ? deps.db.execute<{ bucket: string; orders: number; gross: string; net: string }>(sql`
          select to_char(date_trunc(${grain}, day), 'YYYY-MM-DD') as bucket, sum(orders)::int as orders,
            sum(gross)::numeric(20,2)::text as gross, sum(gross - refunded)::numeric(20,2)::text as net
          from sales_days where ${brand} and currency = ${currency}
          group by 1`)
      : Promise.resolve([]),
    topProductsOf(deps, { storeIds: context.storeIds, fromDay, allTime: input.period === "all" }),
  ]);
  const chart = { grain, buckets: chartBuckets(grain, fromDay, today, new Map([...sold].map((s) => [s.bucket, s]))) };

  const c = first(customersRow);
  const withOrders = c?.customers ?? 0;
  const hasBefore = c?.has_before ?? false;
  return {
    period: { from: new Date(Number(first(midnight)!.from)), to: now, key: input.period, fromDay, today },
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
    /** Revenue over the period in `grain` buckets (in `currency`). */
    chart,
    topProducts,
    customers: {
      withOrders,
      new: c?.new_customers ?? 0,
      returning: withOrders - (c?.new_customers ?? 0),
      guestOrders,
      repeat: c?.repeat_customers ?? 0,
      /** Share (0–1) of the period's customers who ordered at least twice in it; null without customers. */
      repeatRate: withOrders ? (c?.repeat_customers ?? 0) / withOrders : null,
      /** Whether the brand has orders before the period ("returning" means something). */
      hasBefore,
    },
  };
}

/**
 * The five products with most units sold since `fromDay` (orders in all currencies): whole months
 * from the monthly rows, the days of a month the period starts inside of from the daily rows, all
 * time from one row per product. Custom items (no product) are `productShopifyId: null`.
 */
async function topProductsOf(deps: { db: Db }, input: { storeIds: string[]; fromDay: string; allTime: boolean }) {
  if (!input.storeIds.length) return [];
  const cut = input.fromDay === monthStart(input.fromDay) ? input.fromDay : nextMonth(input.fromDay);
  const inPeriod = input.allTime
    ? sql`s.grain = 'all'`
    : sql`((s.grain = 'day' and s.period_start >= ${input.fromDay}::date and s.period_start < ${cut}::date) or (s.grain = 'month' and s.period_start >= ${cut}::date))`;
  const storeIds = sql.join(input.storeIds.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await deps.db.execute<{ product: string; title: string; quantity: number; orders: number }>(sql`
    with sold as (
      select s.store_id, s.product_shopify_id as product, sum(s.units)::int as quantity, sum(s.orders)::int as orders
      from product_sales s where s.store_id in (${storeIds}) and ${inPeriod}
      group by 1, 2 having sum(s.units) > 0
      order by 3 desc, 2 limit 50
    )
    select sold.product::text as product, sold.quantity, sold.orders,
      coalesce(p.title, (select l.title from shop_line_items l where l.store_id = sold.store_id and l.product_shopify_id = sold.product limit 1),
        case when sold.product = 0 then 'Items without a product' else 'Unknown product' end) as title
    from sold left join shop_products p on p.store_id = sold.store_id and p.shopify_id = sold.product
    order by sold.quantity desc, 4
    limit 5`);
  return [...rows].map((r) => ({ productShopifyId: r.product === "0" ? null : r.product, title: r.title, quantity: r.quantity, orders: r.orders }));
}

export type Overview = Awaited<ReturnType<typeof getOverview>>;
