import type { Metadata } from "next";
import { Suspense } from "react";
import { CustomersView } from "~/components/customers/customers-view";

export const metadata: Metadata = { title: "Customers" };

export default function CustomersPage() {
  // The view reads its filters from the URL's search params.
  return (
    <Suspense>
      <CustomersView />
    </Suspense>
  );
}
