"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { PageHeader } from "~/components/page-header";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { Alert } from "~/components/ui/alert";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/cn";
import { formatMoney } from "~/lib/format";
import { describeError, useTRPC } from "~/lib/trpc";
import { useBrand } from "./brand-context";

const PERIODS = [7, 30, 90, 365, "all"] as const;
const PERIOD_LABELS: Record<(typeof PERIODS)[number], string> = { 7: "7 days", 30: "30 days", 90: "90 days", 365: "1 year", all: "All time" };


/** The brand's sales at a glance, from its synced stores. */
export function BrandOverview() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const overview = useQuery(trpc.analytics.overview.queryOptions({ brand: brand.slug, days }));
  const data = overview.data;
  const main = data?.totals[0];

  return (
    <>
      <PageHeader
        title={brand.name}
        description="Sales from your connected stores, gross and net of refunds."
        actions={
          <div className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300" role="group" aria-label="Period">
            {PERIODS.map((d) => (
              <button
                key={d}
                type="button"
                aria-pressed={d === days}
                onClick={() => setDays(d)}
                className={cn("px-3 py-1.5 text-sm first:rounded-l-md last:rounded-r-md", d === days ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50")}
              >
                {PERIOD_LABELS[d]}
              </button>
            ))}
          </div>
        }
      />
      {overview.error ? null : overview.isPending ? (
        <div className="grid gap-4 md:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
      ) : !main ? (
        <EmptyState
          title="No orders in this period"
          description="Connect a Shopify store to see its sales here; orders from the last days appear within seconds."
          action={
            <Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={`/${brand.slug}/settings/stores`}>
              Go to Stores
            </Link>
          }
        />
      ) : (
        <div className="space-y-6">
          <div className="grid gap-4 md:grid-cols-4">
            <Stat label="Orders" value={main.orders.toLocaleString()} />
            <Stat label="Gross revenue" value={formatMoney(main.gross, main.currency)} />
            <Stat label="Net of refunds" value={formatMoney(main.net, main.currency)} hint={`${formatMoney(main.refunded, main.currency)} refunded`} />
            <Stat label="Average order" value={formatMoney(main.aov, main.currency)} />
          </div>
          <Card>
            <CardHeader title={`Revenue per day (${main.currency})`} description="Gross and net of refunds" />
            <CardBody>
              <div className="h-64" role="img" aria-label={`Revenue per day in ${main.currency}`}>
                <ResponsiveContainer width="100%" height="100%">
                  <AreaChart data={data.daily.map((d) => ({ day: d.day, Gross: Number(d.gross), Net: Number(d.net) }))} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
                    <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#64748b" }} />
                    <YAxis tick={{ fontSize: 11, fill: "#64748b" }} width={70} />
                    <Tooltip formatter={(v) => formatMoney(String(v ?? 0), main.currency)} />
                    <Legend wrapperStyle={{ fontSize: 12 }} />
                    <Area type="monotone" dataKey="Gross" stroke="#4f46e5" fill="#e0e7ff" isAnimationActive={false} />
                    <Area type="monotone" dataKey="Net" stroke="#059669" fill="#d1fae5" isAnimationActive={false} />
                  </AreaChart>
                </ResponsiveContainer>
              </div>
            </CardBody>
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader title="Top products" description="By units sold" />
              <CardBody>
                <ol className="divide-y divide-slate-100" aria-label="Top products">
                  {data.topProducts.map((p) => (
                    <li key={String(p.productShopifyId)} className="flex justify-between py-2 text-sm">
                      <span className="text-slate-800">{p.title}</span>
                      <span className="tabular-nums text-slate-500">
                        {p.quantity} units · {p.orders} orders
                      </span>
                    </li>
                  ))}
                </ol>
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Customers" description="New ordered for the first time in this period; returning ordered before it" />
              <CardBody className="grid grid-cols-3 gap-4 text-center">
                <Stat label="New" value={data.customers.new.toLocaleString()} />
                <Stat label="Returning" value={data.customers.returning.toLocaleString()} />
                <Stat label="Guest orders" value={data.customers.guestOrders.toLocaleString()} />
              </CardBody>
            </Card>
          </div>
          {data.totals.length > 1 ? (
            <Card>
              <CardHeader title="Other currencies" />
              <CardBody>
                <ul className="divide-y divide-slate-100 text-sm">
                  {data.totals.slice(1).map((t) => (
                    <li key={t.currency} className="flex justify-between py-2">
                      <span>{t.currency}</span>
                      <span className="tabular-nums text-slate-600">
                        {t.orders} orders · {formatMoney(t.gross, t.currency)} gross · {formatMoney(t.net, t.currency)} net
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

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
    </Card>
  );
}
