"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Card, CardBody } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { PagedTable } from "~/components/ui/paged-table";
import { Timestamp } from "~/components/ui/timestamp";
import { formatMoney, formatUnits } from "~/lib/format";
import { useTRPC } from "~/lib/trpc";
import { useUrlState } from "~/lib/use-url-state";

interface CustomerRow {
  id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  orders: number;
  netValue: string;
  currency: string | null;
  lastOrderAt: Date | null;
  lastSeenAt: Date | null;
}

const SORTS = [
  { value: "lastSeen", label: "Last seen" },
  { value: "netValue", label: "Net LTV" },
  { value: "orders", label: "Orders" },
  { value: "lastOrder", label: "Last order" },
] as const;
const CONSENT = [
  { value: "", label: "Any" },
  { value: "yes", label: "Subscribed" },
  { value: "no", label: "Not subscribed" },
];
const FILTERS = { q: "", sort: "lastSeen", netMin: "", netMax: "", ordersMin: "", lastOrderFrom: "", consent: "", source: "" };
const column = createColumnHelper<CustomerRow>();
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function num(v: string): number | null {
  if (v.trim() === "") return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function customerColumns(brand: string) {
  return [
    column.accessor("name", {
      header: "Name",
      cell: (c) => (
        <Link href={`/${brand}/customers/${c.row.original.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
          {c.getValue() ?? c.row.original.email ?? `Visitor ${c.row.original.id}`}
        </Link>
      ),
    }),
    column.accessor("email", { header: "Email", cell: (c) => c.getValue() ?? <span className="text-slate-500">—</span> }),
    column.accessor("orders", { header: "Orders", cell: (c) => <span className="tabular-nums">{c.getValue().toLocaleString("en")}</span> }),
    column.accessor("netValue", {
      header: "Net LTV",
      cell: (c) => (c.row.original.currency ? <span className="whitespace-nowrap tabular-nums">{formatMoney(c.getValue(), c.row.original.currency)}</span> : <span className="text-slate-500">—</span>),
    }),
    column.accessor("lastOrderAt", { header: "Last order", cell: (c) => (c.getValue() ? <Timestamp at={c.getValue()!} day /> : <span className="text-slate-500">never</span>) }),
    column.accessor("lastSeenAt", { header: "Last seen", cell: (c) => (c.getValue() ? <Timestamp at={c.getValue()!} /> : <span className="text-slate-500">—</span>) }),
  ];
}

/** Every person of the brand: search by name, email, phone, order or any id; filters in the URL; keyset pages. */
export function CustomersView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [filters, setFilters] = useUrlState(FILTERS);
  const [search, setSearch] = useState(filters.q);
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const t = setTimeout(() => setFilters({ q: search.trim() }), 300);
    return () => clearTimeout(t);
  }, [search, filters.q, setFilters]);
  const sources = useQuery(trpc.sources.list.queryOptions({ brand: brand.slug }));

  const sort = SORTS.some((s) => s.value === filters.sort) ? (filters.sort as (typeof SORTS)[number]["value"]) : "lastSeen";
  const netMin = num(filters.netMin);
  const netMax = num(filters.netMax);
  const customers = useInfiniteQuery({
    ...trpc.customers.list.infiniteQueryOptions(
      {
        brand: brand.slug,
        limit: 25,
        sort,
        q: filters.q || null,
        netMin,
        netMax: netMax !== null && netMin !== null && netMax < netMin ? netMin : netMax,
        ordersMin: num(filters.ordersMin),
        lastOrderFrom: DAY.test(filters.lastOrderFrom) ? new Date(`${filters.lastOrderFrom}T00:00:00Z`) : null,
        emailConsent: filters.consent === "yes" ? true : filters.consent === "no" ? false : null,
        sourceId: /^[0-9a-f-]{36}$/.test(filters.source) ? filters.source : null,
      },
      { getNextPageParam: (last) => last.nextCursor },
    ),
    placeholderData: keepPreviousData,
  });
  const firstPage = customers.data?.pages[0];
  const rows = customers.data?.pages.flatMap((p) => p.rows) ?? [];
  const columns = useMemo(() => customerColumns(brand.slug), [brand.slug]);
  const filtered = Object.entries(filters).some(([k, v]) => k !== "sort" && v !== "");

  return (
    <>
      <PageHeader title="Customers" description="Every person your stores and sources know, with their Shopify customers and web visits joined into one profile." />
      <Card>
        <CardBody className="space-y-4">
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-6">
            <div className="col-span-2">
              <TextField label="Search" type="search" placeholder="Name, email, phone, order #, or an id" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={100} />
            </div>
            <SelectField label="Sort by" value={sort} onChange={(e) => setFilters({ sort: e.target.value })} options={SORTS.map((s) => ({ value: s.value, label: s.label }))} />
            <TextField label="Net LTV from" type="number" min={0} inputMode="decimal" value={filters.netMin} onChange={(e) => setFilters({ netMin: e.target.value })} />
            <TextField label="Net LTV to" type="number" min={0} inputMode="decimal" value={filters.netMax} onChange={(e) => setFilters({ netMax: e.target.value })} />
            <TextField label="Orders at least" type="number" min={0} value={filters.ordersMin} onChange={(e) => setFilters({ ordersMin: e.target.value })} />
            <TextField label="Ordered since" type="date" value={filters.lastOrderFrom} onChange={(e) => setFilters({ lastOrderFrom: e.target.value })} />
            <SelectField label="Email consent" value={filters.consent} onChange={(e) => setFilters({ consent: e.target.value })} options={CONSENT} />
            <SelectField
              label="Source"
              value={filters.source}
              onChange={(e) => setFilters({ source: e.target.value })}
              options={[{ value: "", label: "Any source" }, ...(sources.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
            />
          </div>
          {firstPage ? (
            <p aria-live="polite" className="text-sm text-slate-600" data-testid="customers-total">
              <span className="font-medium text-slate-900">{firstPage.totalIsLowerBound ? `More than ${formatUnits(firstPage.total, "customer")}` : formatUnits(firstPage.total, "customer")}</span>
              {filtered ? " match these filters" : " in all"}
              {rows.length < firstPage.total ? ` · ${formatUnits(rows.length, "customer")} shown` : ""}
            </p>
          ) : null}
          <div className={customers.isPlaceholderData ? "opacity-70" : undefined} aria-busy={customers.isFetching}>
            <PagedTable
              label="Customers"
              query={customers}
              rows={rows}
              columns={columns}
              rowId={(r) => String(r.id)}
              empty={
                filtered
                  ? { title: "No customers match", description: "Nothing matches these filters. Search by a name, the start of an email, a phone (+30…), an order name (#1001) or a user id." }
                  : { title: "No customers yet", description: "Profiles appear as your stores sync their customers and your sources send events." }
              }
            />
          </div>
        </CardBody>
      </Card>
    </>
  );
}
