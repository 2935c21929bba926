"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { TimeZoneNote } from "~/components/brands/time-zone-note";
import { useLiveData } from "~/components/brands/use-live-data";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { Skeleton } from "~/components/ui/skeleton";
import { formatCount, formatDateTime, formatMoney, formatUnits } from "~/lib/format";
import { describeError, useTRPC } from "~/lib/trpc";
import { OrderStatusBadge } from "./order-status-badge";

const EVENT_LABELS = { created: "Placed", processed: "Processed", refund: "Refunded", cancelled: "Cancelled", updated: "Last updated" } as const;

/** One order: what was bought, what was refunded, who bought it and what happened when (in the shop's time zone). */
export function OrderDetail({ orderId }: { orderId: string }) {
  const brand = useBrand();
  const trpc = useTRPC();
  useLiveData(brand.slug);
  const query = useQuery({ ...trpc.analytics.order.queryOptions({ brand: brand.slug, orderId }), placeholderData: keepPreviousData, retry: false });
  const back = (
    <Link href={`/${brand.slug}/orders`} className="text-sm font-medium text-indigo-700 hover:text-indigo-500">
      ← All orders
    </Link>
  );

  if (query.isPending) {
    return (
      <div className="space-y-4">
        <Skeleton className="h-10 w-64" />
        <Skeleton className="h-48" />
      </div>
    );
  }
  if (query.error || !query.data) {
    const error = describeError(query.error);
    return (
      <>
        <PageHeader title="Order" actions={back} />
        {query.error?.data?.code === "NOT_FOUND" || query.error?.data?.code === "BAD_REQUEST" ? (
          <EmptyState title="Order not found" description="There is no such order in this brand: it may have been deleted in Shopify, or the link is wrong." action={back} />
        ) : (
          <Alert tone="error">{error.message}</Alert>
        )}
      </>
    );
  }

  const { order, lines, refunds, customer, timeline, timeZone, shopDomain } = query.data;
  const money = (amount: string | null) => (amount === null ? "—" : formatMoney(amount, order.currency));
  return (
    <>
      <PageHeader
        title={`Order ${order.name ?? order.shopifyId}`}
        description={
          <>
            {shopDomain ? `${shopDomain} · ` : ""}placed {formatDateTime(order.createdAt, timeZone)} · in {order.currency}
          </>
        }
        actions={back}
      />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap gap-2">
          <OrderStatusBadge financialStatus={order.financialStatus} cancelledAt={order.cancelledAt} />
          {order.fulfillmentStatus ? <Badge tone="slate">{order.fulfillmentStatus.replaceAll("_", " ")}</Badge> : null}
        </div>
        <TimeZoneNote timeZone={timeZone} source="store" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Items" description={formatUnits(lines.reduce((n, l) => n + l.quantity, 0))} />
            <CardBody className="overflow-x-auto">
              <table className="min-w-full text-sm" aria-label="Items">
                <thead>
                  <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                    <th scope="col" className="py-2 pr-3">Product</th>
                    <th scope="col" className="py-2 pr-3">SKU</th>
                    <th scope="col" className="py-2 pr-3 text-right">Quantity</th>
                    <th scope="col" className="py-2 pr-3 text-right">Price</th>
                    <th scope="col" className="py-2 text-right">Line total</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {lines.map((l) => (
                    <tr key={String(l.shopifyId)}>
                      <td className="py-2 pr-3 text-slate-800">{l.title ?? "Untitled item"}</td>
                      <td className="py-2 pr-3 text-slate-600">{l.sku ?? "—"}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{formatCount(l.quantity)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{money(l.price)}</td>
                      <td className="py-2 text-right tabular-nums">{money(l.lineTotal)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {lines.length === 0 ? <p className="py-3 text-sm text-slate-600">No line items were synced for this order.</p> : null}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Refunds" description={refunds.length ? `${money(order.refunded)} refunded in all` : undefined} />
            <CardBody>
              {refunds.length === 0 ? (
                <p className="text-sm text-slate-600">Nothing was refunded.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm" aria-label="Refunds">
                  {refunds.map((r) => (
                    <li key={String(r.shopifyId)} className="flex justify-between gap-3 py-2">
                      <span className="text-slate-700">{r.createdAt ? formatDateTime(r.createdAt, timeZone) : "Date unknown"}</span>
                      <span className="tabular-nums text-red-700">{money(r.amount)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Summary" />
            <CardBody>
              <dl className="space-y-1.5 text-sm">
                <Row label="Subtotal">{money(order.subtotal)}</Row>
                <Row label="Discounts">{money(order.discounts)}</Row>
                <Row label="Tax">{money(order.tax)}</Row>
                <Row label="Total" strong>
                  {money(order.total)}
                </Row>
                <Row label="Refunded">{money(order.refunded)}</Row>
                <Row label="Net" strong>
                  {money(order.net)}
                </Row>
              </dl>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Customer" />
            <CardBody className="space-y-1 text-sm">
              {customer ? (
                <>
                  <p className="font-medium text-slate-900">{customer.name ?? "No name"}</p>
                  <p className="text-slate-700">{customer.email ?? order.email ?? "No email"}</p>
                  {customer.phone ? <p className="text-slate-700">{customer.phone}</p> : null}
                  <p className="text-slate-600">{formatUnits(customer.orders, "order")} in this store</p>
                  {customer.profileId ? (
                    <Link href={`/${brand.slug}/customers/${customer.profileId}`} className="inline-block pt-1 font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
                      View customer →
                    </Link>
                  ) : null}
                </>
              ) : (
                <p className="text-slate-700">{order.email ? `${order.email} (no customer account)` : "Guest checkout"}</p>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Timeline" />
            <CardBody>
              <ol className="space-y-3 border-l border-slate-200 pl-4 text-sm" aria-label="Timeline">
                {timeline.map((e, i) => (
                  <li key={`${e.kind}-${i}`}>
                    <p className="font-medium text-slate-900">
                      {EVENT_LABELS[e.kind]}
                      {e.amount ? ` ${money(e.amount)}` : ""}
                    </p>
                    <p className="text-slate-600">{formatDateTime(e.at, timeZone)}</p>
                  </li>
                ))}
              </ol>
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}

function Row({ label, strong, children }: { label: string; strong?: boolean; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-3">
      <dt className="text-slate-600">{label}</dt>
      <dd className={strong ? "font-semibold tabular-nums text-slate-900" : "tabular-nums text-slate-800"}>{children}</dd>
    </div>
  );
}
