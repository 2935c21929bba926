"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "~/components/page-header";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { Alert } from "~/components/ui/alert";
import { Skeleton } from "~/components/ui/skeleton";
import { Spinner } from "~/components/ui/spinner";
import { cn } from "~/lib/cn";
import { formatCount, formatMoney, formatPercent, formatUnits } from "~/lib/format";
import { describeError, useTRPC } from "~/lib/trpc";
import type { Overview } from "~/server/services/analytics/overview";
import { useUrlState } from "~/lib/use-url-state";
import { useBrand } from "./brand-context";
import { RevenueChart } from "./revenue-chart";
import { TimeZoneNote } from "./time-zone-note";
import { useLiveData } from "./use-live-data";

const PERIODS = ["7", "30", "90", "365", "all"] as const;
type PeriodKey = (typeof PERIODS)[number];
const PERIOD_LABELS: Record<PeriodKey, string> = { 7: "7 days", 30: "30 days", 90: "90 days", 365: "1 year", all: "All time" };
const toDays = (p: string) => (p === "all" ? "all" : (Number(p) as 7 | 30 | 90 | 365));

/** The brand's sales at a glance, from its synced stores: period and currency in the URL, refreshed as orders land. */
export function BrandOverview() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [params, setParams] = useUrlState({ period: "30", currency: "" });
  const period: PeriodKey = (PERIODS as readonly string[]).includes(params.period) ? (params.period as PeriodKey) : "30";
  useLiveData(brand.slug);
  const overview = useQuery({
    ...trpc.analytics.overview.queryOptions({ brand: brand.slug, days: toDays(period), currency: /^[A-Z]{3}$/.test(params.currency) ? params.currency : null }),
    placeholderData: keepPreviousData,
  });
  const data = overview.data;
  const selected = data?.selected;

  return (
    <>
      <PageHeader
        title={brand.name}
        description="Sales from your connected stores, gross and net of refunds, in each store's own currency."
        actions={
          <Segmented label="Period" value={period} options={PERIODS.map((p) => ({ value: p, label: PERIOD_LABELS[p] }))} onChange={(p) => setParams({ period: p })} />
        }
      />
      {overview.error ? null : overview.isPending ? (
        <div className="grid gap-4 md:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
      ) : !data || !selected || data.allOrders === 0 ? (
        <EmptyState
          title="No orders in this period"
          description="Connect a Shopify store to see its sales here, or pick a longer period; orders from the last days appear within seconds."
          action={
            <Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={`/${brand.slug}/settings/stores`}>
              Go to Stores
            </Link>
          }
        />
      ) : (
        <div className={cn("space-y-6", overview.isPlaceholderData && "opacity-70")} aria-busy={overview.isFetching}>
          <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
            <TimeZoneNote timeZone={data.timeZone} source={data.timeZoneSource} mainStore={data.mainStore?.shopDomain} />
            <div className="flex items-center gap-3">
              {overview.isFetching ? (
                <span className="inline-flex items-center gap-1.5 text-xs text-slate-600">
                  <Spinner className="h-4 w-4" />
                  Updating…
                </span>
              ) : null}
              {data.currencies.length > 1 ? (
                <Segmented label="Currency" value={data.currency ?? ""} options={data.currencies.map((c) => ({ value: c, label: c }))} onChange={(c) => setParams({ currency: c === data.mainCurrency ? "" : c })} />
              ) : null}
            </div>
          </div>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Stat
              label={`Orders in ${selected.currency}`}
              value={formatCount(selected.orders)}
              hint={data.totals.length > 1 || data.allOrders !== selected.orders ? `${formatUnits(data.allOrders, "order")} in all currencies` : undefined}
            />
            <Stat label={`Gross revenue (${selected.currency})`} value={formatMoney(selected.gross, selected.currency)} />
            <Stat label={`Net of refunds (${selected.currency})`} value={formatMoney(selected.net, selected.currency)} hint={`${formatMoney(selected.refunded, selected.currency)} refunded`} />
            <Stat label={`Average order (${selected.currency})`} value={formatMoney(selected.aov, selected.currency)} />
          </div>
          <Card>
            <CardHeader
              title={`Revenue per ${data.chart.grain} (${selected.currency})`}
              description={`Gross (bars) and net of refunds (line), orders in ${selected.currency} only; days in ${data.timeZone}`}
            />
            <CardBody>
              <RevenueChart buckets={data.chart.buckets} grain={data.chart.grain} currency={selected.currency} timeZone={data.timeZone} />
            </CardBody>
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader title="Top products" description="By units sold, orders in all currencies" />
              <CardBody>
                <ol className="divide-y divide-slate-100" aria-label="Top products">
                  {data.topProducts.map((p) => (
                    <li key={String(p.productShopifyId)} className="flex justify-between gap-4 py-2 text-sm">
                      <span className="text-slate-800">{p.title}</span>
                      <span className="whitespace-nowrap tabular-nums text-slate-600">
                        {formatUnits(p.quantity)} · {formatUnits(p.orders, "order")}
                      </span>
                    </li>
                  ))}
                </ol>
              </CardBody>
            </Card>
            <CustomersCard customers={data.customers} brand={brand.slug} fromDay={data.period.fromDay} />
          </div>
          {data.totals.length > 1 ? (
            <Card>
              <CardHeader title="All currencies" description="Each store's money in its own currency; never converted or added up across currencies" />
              <CardBody>
                <ul className="divide-y divide-slate-100 text-sm" aria-label="Sales per currency">
                  {data.totals.map((t) => (
                    <li key={t.currency} className="flex flex-wrap justify-between gap-2 py-2">
                      <span className="font-medium text-slate-800">{t.currency}</span>
                      <span className="tabular-nums text-slate-600">
                        {formatUnits(t.orders, "order")} · {formatMoney(t.gross, t.currency)} gross · {formatMoney(t.net, t.currency)} net
                      </span>
                    </li>
                  ))}
                </ul>
              </CardBody>
            </Card>
          ) : null}
        </div>
      )}
      {overview.error ? <Alert tone="error">{describeError(overview.error).message}</Alert> : null}
    </>
  );
}

type Customers = Overview["customers"];

/** New and returning when the period has a before; otherwise (all time) the share of repeat customers. */
function CustomersCard({ customers, brand, fromDay }: { customers: Customers; brand: string; fromDay: string }) {
  const list = (query: string) => `/${brand}/customers?${query}`;
  return (
    <Card>
      <CardHeader
        title="Customers"
        actions={
          <Link className="text-sm font-medium text-indigo-700 hover:text-indigo-500" href={list(`lastOrderFrom=${fromDay}&sort=lastOrder`)}>
            See who ordered →
          </Link>
        }
        description={
          customers.hasBefore
            ? "New ordered for the first time in this period; returning had ordered before it"
            : "Nothing was ordered before this period: repeat customers ordered twice or more in it"
        }
      />
      <CardBody className="grid grid-cols-3 gap-4 text-center">
        {customers.hasBefore ? (
          <>
            <Stat label="New" value={formatCount(customers.new)} />
            <Stat label="Returning" value={formatCount(customers.returning)} />
          </>
        ) : (
          <>
            <Stat label="Customers" value={formatCount(customers.withOrders)} />
            <Stat
              label="Repeat rate"
              value={formatPercent(customers.repeatRate)}
              hint={
                <Link className="text-indigo-700 hover:underline" href={list(`lastOrderFrom=${fromDay}&ordersMin=2&sort=orders`)}>
                  {formatCount(customers.repeat)} ordered twice or more
                </Link>
              }
            />
          </>
        )}
        <Stat label="Guest orders" value={formatCount(customers.guestOrders)} />
      </CardBody>
    </Card>
  );
}

function Segmented<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: { value: T; label: string }[]; onChange: (v: T) => void }) {
  return (
    <div className="inline-flex max-w-full overflow-x-auto rounded-md shadow-sm ring-1 ring-slate-300" role="group" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
          className={cn("shrink-0 whitespace-nowrap px-3 py-1.5 text-sm first:rounded-l-md last:rounded-r-md", o.value === value ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50")}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: React.ReactNode }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-slate-600">{hint}</p> : null}
    </Card>
  );
}
