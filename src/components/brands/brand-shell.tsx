"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "~/components/auth/sign-out-button";
import { Logo } from "~/components/logo";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/empty-state";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/cn";
import { useTRPC } from "~/lib/trpc";
import { ROLE_LABELS } from "~/lib/roles";
import { SyncStatusProvider } from "~/components/sync/sync-status";
import { SyncProgressWidget } from "~/components/sync/sync-widget";
import { BrandContext, type BrandContextValue } from "./brand-context";

const NAV = [
  { href: "", label: "Overview" },
  { href: "/orders", label: "Orders" },
  { href: "/products", label: "Products" },
  { href: "/sync", label: "Sync" },
  { href: "/queues", label: "Queue health" },
  { href: "/members", label: "Members" },
  { href: "/settings/stores", label: "Stores" },
];

export function BrandShell({ brand, user, children }: { brand: string; user: BrandContextValue["user"]; children: ReactNode }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const router = useRouter();
  const current = useQuery(trpc.brands.get.queryOptions({ brand }));
  const all = useQuery(trpc.brands.list.queryOptions());
  // Stores Shopify stopped accepting: say so on every page of the brand, with the way back.
  const storeList = useQuery({ ...trpc.stores.list.queryOptions({ brand }), enabled: Boolean(current.data) });
  const attention = storeList.data?.stores.filter((s) => s.status === "needs_reauth") ?? [];

  if (current.error) {
    return (
      <main className="mx-auto max-w-lg px-4 py-24">
        <EmptyState
          title="You don't have access to this brand"
          description="It may not exist, or you are not one of its members. Ask an owner for an invitation."
          action={
            <Link href="/brands">
              <Button variant="secondary">Go to your brands</Button>
            </Link>
          }
        />
      </main>
    );
  }

  const value: BrandContextValue | null = current.data ? { ...current.data, user } : null;

  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white px-4 py-5 md:flex">
        <Logo className="mb-6 px-2" />
        <label className="mb-1 px-2 text-xs font-medium uppercase tracking-wide text-slate-400" htmlFor="brand-switcher">
          Brand
        </label>
        <select
          id="brand-switcher"
          aria-label="Switch brand"
          className="mb-6 rounded-md border-0 bg-slate-50 px-2 py-2 text-sm font-medium ring-1 ring-slate-200 ring-inset"
          value={value?.slug ?? brand}
          onChange={(e) => (e.target.value === "__all" ? router.push("/brands") : router.push(`/${e.target.value}`))}
        >
          {!all.data && !value ? <option value={brand}>Loading…</option> : null}
          {(all.data ?? (value ? [value] : [])).map((b) => (
            <option key={b.id} value={b.slug}>
              {b.name}
            </option>
          ))}
          <option value="__all">All brands / new brand…</option>
        </select>
        <nav className="space-y-1" aria-label="Brand">
          {NAV.map((item) => {
            const href = `/${value?.slug ?? brand}${item.href}`;
            const active = item.href === "" ? pathname === href : pathname.startsWith(href);
            return (
              <Link
                key={item.label}
                href={href}
                className={cn(
                  "block rounded-md px-2 py-2 text-sm font-medium",
                  active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900",
                )}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        {user.isInstanceAdmin ? (
          <nav className="mt-6 space-y-1" aria-label="Instance">
            <p className="px-2 text-xs font-medium uppercase tracking-wide text-slate-400">Instance</p>
            <Link href="/admin/mail" className="block rounded-md px-2 py-2 text-sm font-medium text-slate-600 hover:bg-slate-50 hover:text-slate-900">
              Mail outbox
            </Link>
          </nav>
        ) : null}
        <div className="mt-auto space-y-2 border-t border-slate-100 px-2 pt-4 text-sm">
          <p className="truncate font-medium text-slate-800">{user.name}</p>
          <p className="truncate text-xs text-slate-500">{user.email}</p>
          {value ? <Badge tone="indigo">{ROLE_LABELS[value.role]}</Badge> : null}
          <div>
            <SignOutButton />
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">
        {attention.map((s) => (
          <div key={s.id} role="alert" className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
            <span>
              <strong>{s.shopDomain}</strong> needs to be re-authorized: Shopify no longer accepts its access, so it is not syncing.
            </span>
            <Link className="font-semibold text-amber-900 underline" href={`/${value?.slug ?? brand}/settings/stores?shop=${encodeURIComponent(s.shopDomain)}`}>
              Reconnect
            </Link>
          </div>
        ))}
        {value ? (
          <BrandContext.Provider value={value}>
            <SyncStatusProvider brand={value.slug}>
              {children}
              <SyncProgressWidget brand={value.slug} />
            </SyncStatusProvider>
          </BrandContext.Provider>
        ) : (
          <div className="space-y-4">
            <Skeleton className="h-8 w-64" />
            <Skeleton className="h-40 w-full" />
          </div>
        )}
      </main>
    </div>
  );
}
