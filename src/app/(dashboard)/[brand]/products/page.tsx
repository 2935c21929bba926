import type { Metadata } from "next";
import { Suspense } from "react";
import { ProductsView } from "~/components/products/products-view";

export const metadata: Metadata = { title: "Products" };

export default function ProductsPage() {
  // The view reads its filters from the URL's search params.
  return (
    <Suspense>
      <ProductsView />
    </Suspense>
  );
}
