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
    <main className="mx-auto max-w-2xl px-4 py-10">
      <div className="mb-8 flex items-center justify-between">
        <Logo />
        <div className="flex items-center gap-3 text-sm text-slate-600">
          {user.isInstanceAdmin ? (
            <Link href="/admin/mail" className="font-medium text-indigo-700 hover:text-indigo-500">
              Mail outbox
            </Link>
          ) : null}
          <span>{user.email}</span>
          <SignOutButton />
        </div>
      </div>
      <BrandPicker />
    </main>
  );
}
