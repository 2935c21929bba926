"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody } from "~/components/ui/card";
import { PagedTable } from "~/components/ui/paged-table";
import { SelectField, TextField } from "~/components/ui/field";
import { formatMoney } from "~/lib/format";
import { useTRPC } from "~/lib/trpc";

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
const column = createColumnHelper<OrderRow>();

const columns = [
  column.accessor("name", { header: "Order", cell: (c) => <span className="font-medium text-slate-900">{c.getValue() ?? "—"}</span> }),
  column.accessor("createdAt", { header: "Placed", cell: (c) => <span className="whitespace-nowrap">{c.getValue().toLocaleString()}</span> }),
  column.accessor("email", { header: "Customer", cell: (c) => c.getValue() ?? <span className="text-slate-400">guest</span> }),
  column.accessor("lines", { header: "Items", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
  column.accessor("total", { header: "Total", cell: (c) => <span className="tabular-nums">{formatMoney(c.getValue(), c.row.original.currency)}</span> }),
  column.accessor("refunded", {
    header: "Refunded",
    cell: (c) => (Number(c.getValue()) > 0 ? <span className="tabular-nums text-red-700">{formatMoney(c.getValue(), c.row.original.currency)}</span> : <span className="text-slate-400">—</span>),
  }),
  column.accessor("financialStatus", {
    header: "Status",
    cell: (c) =>
      c.row.original.cancelledAt ? <Badge tone="red">cancelled</Badge> : <Badge tone={c.getValue() === "paid" ? "green" : "amber"}>{(c.getValue() ?? "unknown").replace("_", " ")}</Badge>,
  }),
];

/** Every synced order, newest first, with filters; pages load as you go. */
export function OrdersView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [status, setStatus] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const orders = useInfiniteQuery(
    trpc.analytics.orders.infiniteQueryOptions(
      { brand: brand.slug, limit: 25, status: status || null, from: from ? new Date(from) : null, to: to ? new Date(`${to}T23:59:59.999Z`) : null },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );
  const rows = orders.data?.pages.flatMap((p) => p.orders) ?? [];

  return (
    <>
      <PageHeader title="Orders" description="Orders synced from your stores, newest first." />
      <Card>
        <CardBody className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-3">
            <SelectField label="Payment status" value={status} onChange={(e) => setStatus(e.target.value)} options={STATUSES.map((s) => ({ value: s, label: s ? s.replace("_", " ") : "Any" }))} />
            <TextField label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            <TextField label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <PagedTable label="Orders" query={orders} rows={rows} columns={columns} rowId={(r) => r.id} empty={{ title: "No orders", description: "Nothing matches these filters yet. Orders appear as your stores sync." }} />
        </CardBody>
      </Card>
    </>
  );
}
