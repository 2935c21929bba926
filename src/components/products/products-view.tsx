"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useEffect, useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { PagedTable } from "~/components/ui/paged-table";
import { formatCount, formatMoney, formatUnits } from "~/lib/format";
import { useTRPC } from "~/lib/trpc";
import { useUrlState } from "~/lib/use-url-state";

interface ProductRow {
  id: string;
  title: string;
  vendor: string | null;
  status: string | null;
  currency: string | null;
  variants: number;
  minPrice: string | null;
  maxPrice: string | null;
  unitsSold: number;
}

const SORTS = [
  { value: "title", label: "Title, A to Z" },
  { value: "units", label: "Units sold, most first" },
  { value: "price-asc", label: "Price, lowest first" },
  { value: "price-desc", label: "Price, highest first" },
  { value: "newest", label: "Newest first" },
] as const;
type Sort = (typeof SORTS)[number]["value"];

/** A price in the product's shop currency when we know it (stores connected before we read it show the bare number). */
const price = (amount: string, currency: string | null) => (currency ? formatMoney(amount, currency) : new Intl.NumberFormat("en", { minimumFractionDigits: 2 }).format(Number(amount)));

const column = createColumnHelper<ProductRow>();
const columns = [
  column.accessor("title", { header: "Product", cell: (c) => <span className="font-medium text-slate-900">{c.getValue()}</span> }),
  column.accessor("vendor", { header: "Vendor", cell: (c) => c.getValue() ?? "—" }),
  column.accessor("variants", { header: "Variants", cell: (c) => <span className="tabular-nums">{formatCount(c.getValue())}</span> }),
  column.accessor("minPrice", {
    header: "Price",
    cell: (c) => {
      const { minPrice, maxPrice, currency } = c.row.original;
      if (!minPrice) return "—";
      return <span className="whitespace-nowrap tabular-nums">{minPrice === maxPrice || !maxPrice ? price(minPrice, currency) : `${price(minPrice, currency)} – ${price(maxPrice, currency)}`}</span>;
    },
  }),
  column.accessor("unitsSold", { header: "Units sold", cell: (c) => <span className="tabular-nums">{formatCount(c.getValue())}</span> }),
  column.accessor("status", { header: "Status", cell: (c) => <Badge tone={c.getValue() === "active" ? "green" : "slate"}>{c.getValue() ?? "unknown"}</Badge> }),
];

/** The products synced from the brand's stores: search and sort in the URL. */
export function ProductsView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const [params, setParams] = useUrlState({ q: "", sort: "title" });
  const sort: Sort = SORTS.some((s) => s.value === params.sort) ? (params.sort as Sort) : "title";
  const [search, setSearch] = useState(params.q);
  useEffect(() => {
    if (search.trim() === params.q) return;
    const t = setTimeout(() => setParams({ q: search.trim() }), 300);
    return () => clearTimeout(t);
  }, [search, params.q, setParams]);
  const products = useInfiniteQuery({
    ...trpc.analytics.products.infiniteQueryOptions({ brand: brand.slug, limit: 25, q: params.q || null, sort }, { getNextPageParam: (last) => last.nextCursor }),
    placeholderData: keepPreviousData,
  });
  const rows = products.data?.pages.flatMap((p) => p.products) ?? [];
  const total = products.data?.pages[0]?.total;
  return (
    <>
      <PageHeader title="Products" description="Products synced from your stores, with what they sold; prices in each store's currency." />
      <Card>
        <CardBody className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField label="Search" type="search" placeholder="Title or vendor" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={100} />
            <SelectField label="Sort by" value={sort} onChange={(e) => setParams({ sort: e.target.value })} options={SORTS.map((s) => ({ value: s.value, label: s.label }))} />
          </div>
          {total !== undefined && total !== null ? (
            <p className="text-sm text-slate-600" aria-live="polite" data-testid="products-total">
              <span className="font-medium text-slate-900">{formatUnits(total, "product")}</span>
              {params.q ? `${total === 1 ? " matches" : " match"} “${params.q}”` : ""}
            </p>
          ) : null}
          <div className={products.isPlaceholderData ? "opacity-70" : undefined} aria-busy={products.isFetching}>
            <PagedTable
              label="Products"
              query={products}
              rows={rows}
              columns={columns}
              rowId={(r) => r.id}
              empty={
                params.q
                  ? { title: "No products match", description: "Nothing matches this search: try part of the title or the vendor." }
                  : { title: "No products yet", description: "Products appear as your stores sync (changes arrive by webhook; the full catalog comes with the history sync)." }
              }
            />
          </div>
        </CardBody>
      </Card>
    </>
  );
}
