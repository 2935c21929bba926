import type { Metadata } from "next";
import { BrandOverview } from "~/components/brands/brand-overview";

export const metadata: Metadata = { title: "Overview" };

export default function BrandHomePage() {
  return <BrandOverview />;
}
