"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { TimeZoneNote } from "~/components/brands/time-zone-note";
import { useLiveData } from "~/components/brands/use-live-data";
import { PageHeader } from "~/components/page-header";
import { Card, CardBody } from "~/components/ui/card";
import { PagedTable } from "~/components/ui/paged-table";
import { SelectField, TextField } from "~/components/ui/field";
import { formatDateTime, formatMoney, formatUnits } from "~/lib/format";
import { useTRPC } from "~/lib/trpc";
import { useUrlState } from "~/lib/use-url-state";
import { OrderStatusBadge } from "./order-status-badge";

interface OrderRow {
  id: string;
  name: string | null;
  email: string | null;
  currency: string;
  total: string;
  refunded: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
  createdAt: Date;
  lines: number;
}

const STATUSES = ["", "paid", "partially_refunded", "refunded", "pending"];
const CANCELLED = [
  { value: "", label: "Any" },
  { value: "only", label: "Cancelled only" },
  { value: "exclude", label: "Not cancelled" },
];
const FILTERS = { q: "", status: "", cancelled: "", from: "", to: "" };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const column = createColumnHelper<OrderRow>();

function orderColumns(brand: string, timeZone: string) {
  return [
    column.accessor("name", {
      header: "Order",
      cell: (c) => (
        <Link href={`/${brand}/orders/${c.row.original.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
          {c.getValue() ?? "Order"}
        </Link>
      ),
    }),
    column.accessor("createdAt", { header: "Placed", cell: (c) => <span className="whitespace-nowrap">{formatDateTime(c.getValue(), timeZone)}</span> }),
    column.accessor("email", { header: "Customer", cell: (c) => c.getValue() ?? <span className="text-slate-600">guest</span> }),
    column.accessor("lines", { header: "Items", cell: (c) => <span className="whitespace-nowrap tabular-nums">{formatUnits(c.getValue(), "line")}</span> }),
    column.accessor("total", { header: "Total", cell: (c) => <span className="whitespace-nowrap tabular-nums">{formatMoney(c.getValue(), c.row.original.currency)}</span> }),
    column.accessor("refunded", {
      header: "Refunded",
      cell: (c) =>
        Number(c.getValue()) > 0 ? (
          <span className="whitespace-nowrap tabular-nums text-red-700">{formatMoney(c.getValue(), c.row.original.currency)}</span>
        ) : (
          <span className="text-slate-600">—</span>
        ),
    }),
    column.accessor("financialStatus", { header: "Status", cell: (c) => <OrderStatusBadge financialStatus={c.getValue()} cancelledAt={c.row.original.cancelledAt} /> }),
  ];
}

/** Every synced order, newest first: search, filters in the URL, a total, refreshed as orders land. */
export function OrdersView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [filters, setFilters] = useUrlState(FILTERS);
  useLiveData(brand.slug);
  // The search box answers as you type; the URL (and the query) follow once typing pauses.
  const [search, setSearch] = useState(filters.q);
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const t = setTimeout(() => setFilters({ q: search.trim() }), 300);
    return () => clearTimeout(t);
  }, [search, filters.q, setFilters]);

  const from = DAY.test(filters.from) ? filters.from : null;
  const to = DAY.test(filters.to) ? filters.to : null;
  const orders = useInfiniteQuery({
    ...trpc.analytics.orders.infiniteQueryOptions(
      {
        brand: brand.slug,
        limit: 25,
        q: filters.q || null,
        status: filters.status || null,
        cancelled: filters.cancelled === "only" || filters.cancelled === "exclude" ? filters.cancelled : null,
        from,
        to: to && from && to < from ? from : to,
      },
      { getNextPageParam: (last) => last.nextCursor },
    ),
    placeholderData: keepPreviousData,
  });
  const firstPage = orders.data?.pages[0];
  const timeZone = firstPage?.timeZone ?? "UTC";
  const rows = orders.data?.pages.flatMap((p) => p.orders) ?? [];
  const columns = useMemo(() => orderColumns(brand.slug, timeZone), [brand.slug, timeZone]);
  const filtered = Object.entries(filters).some(([, v]) => v !== "");

  return (
    <>
      <PageHeader title="Orders" description="Orders synced from your stores, newest first, in each store's currency." />
      <Card>
        <CardBody className="space-y-4">
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <div className="col-span-2 lg:col-span-1">
              <TextField label="Search" type="search" placeholder="Order name or email" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={100} />
            </div>
            <SelectField label="Payment status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value })} options={STATUSES.map((s) => ({ value: s, label: s ? s.replace("_", " ") : "Any" }))} />
            <SelectField label="Cancelled" value={filters.cancelled} onChange={(e) => setFilters({ cancelled: e.target.value })} options={CANCELLED} />
            <TextField label="From" type="date" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
            <TextField label="To" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} />
          </div>
          {firstPage ? (
            <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
              <p aria-live="polite" data-testid="orders-total">
                <span className="font-medium text-slate-900">
                  {firstPage.totalIsLowerBound ? `More than ${formatUnits(firstPage.total ?? 0, "order")}` : formatUnits(firstPage.total ?? 0, "order")}
                </span>
                {filtered ? ((firstPage.total ?? 0) === 1 && !firstPage.totalIsLowerBound ? " matches these filters" : " match these filters") : " in all"}
                {rows.length < (firstPage.total ?? 0) ? ` · ${formatUnits(rows.length, "order")} shown` : ""}
              </p>
              <TimeZoneNote timeZone={timeZone} source={firstPage.timeZoneSource} />
            </div>
          ) : null}
          <div className={orders.isPlaceholderData ? "opacity-70" : undefined} aria-busy={orders.isFetching}>
            <PagedTable
              label="Orders"
              query={orders}
              rows={rows}
              columns={columns}
              rowId={(r) => r.id}
              empty={
                filtered
                  ? { title: "No orders match", description: "Nothing matches these filters. Search by the order's name (#1001) or the start of the customer's email." }
                  : { title: "No orders yet", description: "Orders appear here as your stores sync." }
              }
            />
          </div>
        </CardBody>
      </Card>
    </>
  );
}
