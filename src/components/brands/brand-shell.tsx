"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "~/components/auth/sign-out-button";
import { Logo } from "~/components/logo";
import { Badge } from "~/components/ui/badge";
import { EmptyState } from "~/components/ui/empty-state";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/cn";
import { useTRPC } from "~/lib/trpc";
import { ROLE_LABELS } from "~/lib/roles";
import { SyncStatusProvider } from "~/components/sync/sync-status";
import { SyncProgressWidget } from "~/components/sync/sync-widget";
import { MobileMenu } from "~/components/shell/mobile-menu";
import { BrandContext, type BrandContextValue } from "./brand-context";
import { BrandSwitcher } from "./brand-switcher";

const NAV = [
  { href: "", label: "Overview" },
  { href: "/customers", label: "Customers" },
  { href: "/orders", label: "Orders" },
  { href: "/products", label: "Products" },
  { href: "/sync", label: "Sync" },
  { href: "/queues", label: "Queue health" },
  { href: "/members", label: "Members" },
  { href: "/settings/stores", label: "Stores" },
  { href: "/settings/sources", label: "Sources" },
  { href: "/settings/identity", label: "Identity rules" },
];

export function BrandShell({ brand, user, children }: { brand: string; user: BrandContextValue["user"]; children: ReactNode }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const current = useQuery(trpc.brands.get.queryOptions({ brand }));
  const all = useQuery(trpc.brands.list.queryOptions());
  // Stores Shopify stopped accepting: say so on every page of the brand, with the way back.
  const storeList = useQuery({ ...trpc.stores.list.queryOptions({ brand }), enabled: Boolean(current.data) });
  const attention = storeList.data?.stores.filter((s) => s.status === "needs_reauth") ?? [];

  if (current.error) {
    return (
      <main id="main" tabIndex={-1} className="mx-auto max-w-lg px-4 py-24 focus:outline-none">
        <EmptyState
          title="You don't have access to this brand"
          description="It may not exist, or you are not one of its members. Ask an owner for an invitation."
          action={
            <Link href="/brands" className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
              Go to your brands
            </Link>
          }
        />
      </main>
    );
  }

  const value: BrandContextValue | null = current.data ? { ...current.data, user } : null;
  const slug = value?.slug ?? brand;
  const navigation = <ShellNavigation brand={slug} current={value} brands={all.data} user={user} pathname={pathname} />;

  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 md:hidden">
        <Logo />
        <MobileMenu title={value?.name ?? "Menu"}>{navigation}</MobileMenu>
      </header>
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white px-4 py-5 md:flex">
        <Logo className="mb-6 px-2" />
        {navigation}
      </aside>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none md:px-8">
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

/** The brand switcher, the brand's pages, the instance's pages and the account: in the sidebar, and in the mobile menu. */
function ShellNavigation({
  brand,
  current,
  brands,
  user,
  pathname,
}: {
  brand: string;
  current: BrandContextValue | null;
  brands: { id: string; slug: string; name: string }[] | undefined;
  user: BrandContextValue["user"];
  pathname: string;
}) {
  const linkClass = (active: boolean) =>
    cn("block rounded-md px-2 py-2 text-sm font-medium", active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900");
  return (
    <div className="flex flex-1 flex-col">
      <div className="mb-6">
        <BrandSwitcher current={current} brands={brands} />
      </div>
      <nav className="space-y-1" aria-label="Brand">
        {NAV.map((item) => {
          const href = `/${brand}${item.href}`;
          const active = item.href === "" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
          return (
            <Link key={item.label} href={href} aria-current={active ? "page" : undefined} className={linkClass(active)}>
              {item.label}
            </Link>
          );
        })}
      </nav>
      {user.isInstanceAdmin ? (
        <nav className="mt-6 space-y-1" aria-label="Instance">
          <p aria-hidden="true" className="px-2 text-xs font-medium tracking-wide text-slate-600 uppercase">
            Instance
          </p>
          <Link href="/admin/mail" className={linkClass(false)}>
            Mail outbox
          </Link>
        </nav>
      ) : null}
      <div className="mt-auto space-y-2 border-t border-slate-100 px-2 pt-4 text-sm">
        <p className="truncate font-medium text-slate-800">{user.name}</p>
        <p className="truncate text-xs text-slate-500">{user.email}</p>
        {current ? <Badge tone="indigo">{ROLE_LABELS[current.role]}</Badge> : null}
        <div>
          <SignOutButton />
        </div>
      </div>
    </div>
  );
}
