"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody } from "~/components/ui/card";
import { PagedTable } from "~/components/ui/paged-table";
import { useTRPC } from "~/lib/trpc";

interface ProductRow {
  id: string;
  title: string;
  vendor: string | null;
  status: string | null;
  variants: number;
  minPrice: string | null;
  maxPrice: string | null;
  unitsSold: number;
}

const column = createColumnHelper<ProductRow>();
const columns = [
  column.accessor("title", { header: "Product", cell: (c) => <span className="font-medium text-slate-900">{c.getValue()}</span> }),
  column.accessor("vendor", { header: "Vendor", cell: (c) => c.getValue() ?? "—" }),
  column.accessor("variants", { header: "Variants", cell: (c) => <span className="tabular-nums">{c.getValue()}</span> }),
  column.accessor("minPrice", {
    header: "Price",
    cell: (c) => {
      const { minPrice, maxPrice } = c.row.original;
      if (!minPrice) return "—";
      return <span className="tabular-nums">{minPrice === maxPrice ? minPrice : `${minPrice} – ${maxPrice}`}</span>;
    },
  }),
  column.accessor("unitsSold", { header: "Units sold", cell: (c) => <span className="tabular-nums">{c.getValue().toLocaleString()}</span> }),
  column.accessor("status", { header: "Status", cell: (c) => <Badge tone={c.getValue() === "active" ? "green" : "slate"}>{c.getValue() ?? "unknown"}</Badge> }),
];

/** The products synced from the brand's stores, A to Z. */
export function ProductsView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const products = useInfiniteQuery(trpc.analytics.products.infiniteQueryOptions({ brand: brand.slug, limit: 25 }, { getNextPageParam: (last) => last.nextCursor }));
  const rows = products.data?.pages.flatMap((p) => p.products) ?? [];
  return (
    <>
      <PageHeader title="Products" description="Products synced from your stores, with what they sold." />
      <Card>
        <CardBody className="space-y-4">
          <PagedTable label="Products" query={products} rows={rows} columns={columns} rowId={(r) => r.id} empty={{ title: "No products yet", description: "Products appear as your stores sync (changes arrive by webhook; the full catalog comes with the history sync)." }} />
        </CardBody>
      </Card>
    </>
  );
}
