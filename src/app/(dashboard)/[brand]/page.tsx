import type { Metadata } from "next";
import { Suspense } from "react";
import { BrandOverview } from "~/components/brands/brand-overview";

export const metadata: Metadata = { title: "Overview" };

export default function BrandHomePage() {
  // The view reads its filters from the URL's search params.
  return (
    <Suspense>
      <BrandOverview />
    </Suspense>
  );
}
