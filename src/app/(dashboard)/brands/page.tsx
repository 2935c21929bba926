import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "~/components/auth/require-user";
import { BrandPicker } from "~/components/brands/brand-picker";
import { Logo } from "~/components/logo";
import { SignOutButton } from "~/components/auth/sign-out-button";

export const metadata: Metadata = { title: "Your brands" };
export const dynamic = "force-dynamic";

export default async function BrandsPage() {
  const user = await requireUser("/brands");
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-2xl px-4 py-10 focus:outline-none">
      <div className="mb-8 flex flex-wrap items-center justify-between gap-3">
        <Logo />
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
          {user.isInstanceAdmin ? (
            <Link href="/admin/mail" className="font-medium text-indigo-700 hover:text-indigo-500">
              Mail outbox
            </Link>
          ) : null}
          <span>{user.email}</span>
          <SignOutButton />
        </div>
      </div>
      <h1 className="mb-4 text-2xl font-semibold tracking-tight text-slate-900">Your brands</h1>
      <BrandPicker />
    </main>
  );
}
