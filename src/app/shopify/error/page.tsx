import type { Metadata } from "next";
import Link from "next/link";
import { Logo } from "~/components/logo";
import { Alert } from "~/components/ui/alert";

export const metadata: Metadata = { title: "Store connection failed" };

export default async function ShopifyErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { reason } = await searchParams;
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen focus:outline-none flex-col items-center justify-center px-4 py-12">
      <Logo className="mb-8" />
      <div className="w-full max-w-md space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="text-xl font-semibold text-slate-900">The store could not be connected</h1>
        <Alert tone="error">{reason ?? "Shopify's answer could not be verified. Nothing was stored."}</Alert>
        <Link href="/brands" className="inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Back to your brands
        </Link>
      </div>
    </main>
  );
}
