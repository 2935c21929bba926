import Link from "next/link";
import type { ReactNode } from "react";
import { requireUser } from "~/components/auth/require-user";
import { SignOutButton } from "~/components/auth/sign-out-button";
import { Logo } from "~/components/logo";
import { EmptyState } from "~/components/ui/empty-state";

export const dynamic = "force-dynamic";

/** Instance administration: only instance administrators see what is inside. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireUser("/admin/mail");
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
            <Logo />
            <nav aria-label="Instance" className="flex gap-1 text-sm font-medium">
              <Link href="/brands" className="rounded-md px-2 py-1.5 text-slate-600 hover:bg-slate-50 hover:text-slate-900">
                Brands
              </Link>
              {user.isInstanceAdmin ? (
                <Link href="/admin/mail" className="rounded-md bg-indigo-50 px-2 py-1.5 text-indigo-700">
                  Mail outbox
                </Link>
              ) : null}
            </nav>
          </div>
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <span className="hidden sm:inline">{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-8 focus:outline-none">
        {user.isInstanceAdmin ? (
          children
        ) : (
          <>
            <h1 className="sr-only">Instance administration</h1>
            <EmptyState title="Instance administrators only" description="This part of Brandbase is for the people who run this instance. Your brands are under Brands." />
          </>
        )}
      </main>
    </div>
  );
}
