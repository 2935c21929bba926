"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { useRefetchOnChange } from "~/components/brands/use-live-data";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { Skeleton } from "~/components/ui/skeleton";
import { Timestamp } from "~/components/ui/timestamp";
import { formatMoney, formatUnits } from "~/lib/format";
import { roleAtLeast } from "~/lib/roles";
import { describeError, useTRPC } from "~/lib/trpc";
import { CustomerTimeline } from "./customer-timeline";

const KIND_LABELS: Record<string, string> = {
  userId: "User id",
  anonymousId: "Anonymous id",
  email: "Email",
  phone: "Phone",
  shopifyCustomer: "Shopify customer",
  external: "External id",
};

/** Refetches the page's queries when the customer's group changes (a new event, an order, a merge). */
function useLiveCustomer(brand: string, profileId: string): "connecting" | "live" | "error" {
  const trpc = useTRPC();
  const live = useSubscription(trpc.customers.live.subscriptionOptions({ brand, profileId }));
  return useRefetchOnChange(live, [trpc.customers.get, trpc.customers.timeline]);
}

/** Customer360: one person with everything the brand knows of them. */
export function Customer360({ profileId }: { profileId: string }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useLiveCustomer(brand.slug, profileId);
  const query = useQuery({ ...trpc.customers.get.queryOptions({ brand: brand.slug, profileId }), placeholderData: keepPreviousData, retry: false });
  const unmerge = useMutation(
    trpc.customers.unmerge.mutationOptions({
      onSuccess: () => {
        for (const path of [trpc.customers.get, trpc.customers.timeline, trpc.customers.list]) void queryClient.invalidateQueries({ queryKey: path.pathKey() });
      },
    }),
  );
  const back = (
    <Link href={`/${brand.slug}/customers`} className="text-sm font-medium text-indigo-700 hover:text-indigo-500">
      ← All customers
    </Link>
  );

  if (query.isPending) {
    return (
      <div className="space-y-4" aria-busy="true">
        <Skeleton className="h-10 w-72" />
        <div className="grid gap-4 sm:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (query.error || !query.data) {
    return (
      <>
        <PageHeader title="Customer" actions={back} />
        {query.error?.data?.code === "NOT_FOUND" || query.error?.data?.code === "BAD_REQUEST" ? (
          <EmptyState title="Customer not found" description="There is no such customer in this brand, or the link is wrong." action={back} />
        ) : (
          <Alert tone="error">{describeError(query.error).message}</Alert>
        )}
      </>
    );
  }

  const c = query.data;
  const main = c.money[0];
  const isAdmin = roleAtLeast(brand.role, "admin");
  const maxUnits = Math.max(1, ...c.favouriteProducts.map((p) => p.units));
  return (
    <>
      <PageHeader
        title={c.name ?? c.email ?? `Visitor ${c.id}`}
        description={
          <>
            {[c.email, c.phone].filter(Boolean).join(" · ") || "No contact details yet"}
            {c.firstSeenAt ? (
              <>
                {" "}
                · first seen <Timestamp at={c.firstSeenAt} day />
              </>
            ) : null}
          </>
        }
        actions={
          <>
            <Badge tone={live === "live" ? "green" : live === "error" ? "red" : "slate"}>{live === "live" ? "Live" : live === "error" ? "Not live" : "Connecting…"}</Badge>
            {back}
          </>
        }
      />
      {unmerge.error ? <Alert tone="error">{describeError(unmerge.error).message}</Alert> : null}
      {unmerge.isSuccess ? <Alert tone="success">Merge undone: the two profiles are separate again, each with its own identities, events and orders.</Alert> : null}

      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="customer-kpis">
        <Kpi label="Net LTV" testId="net-ltv" value={main ? formatMoney(main.net, main.currency) : "—"} note={main ? `${formatMoney(main.gross, main.currency)} gross, ${formatMoney(main.refunded, main.currency)} refunded` : "No orders yet"} />
        <Kpi label="Orders" value={formatUnits(c.money.reduce((n, m) => n + m.orders, 0), "order")} note={main?.daysBetweenOrders != null ? `every ${main.daysBetweenOrders} days on average` : undefined} />
        <Kpi label="Average order" value={main ? formatMoney(main.aov, main.currency) : "—"} note={main ? `first ${main.firstOrderAt.toISOString().slice(0, 10)}` : undefined} />
        <Kpi label="Last order" value={main ? <Timestamp at={main.lastOrderAt} day /> : "never"} note={c.lastSeenAt ? <>last seen <Timestamp at={c.lastSeenAt} /></> : "not seen on your sites"} />
      </div>
      {c.money.length > 1 ? (
        <Alert tone="info">
          Also in other currencies:{" "}
          {c.money
            .slice(1)
            .map((m) => `${formatMoney(m.net, m.currency)} net over ${formatUnits(m.orders, "order")}`)
            .join("; ")}
          .
        </Alert>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Orders" description={c.orders.length ? `Newest first${c.orders.length === 50 ? " (the latest 50)" : ""}` : undefined} />
            <CardBody>
              {c.orders.length === 0 ? (
                <p className="text-sm text-slate-600">No orders: this person has not bought from a connected store yet.</p>
              ) : (
                <ul className="divide-y divide-slate-100 text-sm" aria-label="Orders">
                  {c.orders.map((o) => (
                    <li key={o.id} className="py-2.5">
                      <div className="flex flex-wrap items-baseline justify-between gap-2">
                        <span>
                          <Link href={`/${brand.slug}/orders/${o.id}`} className="font-medium text-indigo-700 hover:underline">
                            {o.name ?? "Order"}
                          </Link>{" "}
                          <span className="text-slate-500">
                            <Timestamp at={o.createdAt} day /> · {o.store}
                          </span>{" "}
                          {o.cancelled ? <Badge tone="red">cancelled</Badge> : o.financialStatus ? <Badge tone="slate">{o.financialStatus.replaceAll("_", " ")}</Badge> : null}
                        </span>
                        <span className="tabular-nums text-slate-900">
                          {formatMoney(o.total, o.currency)}
                          {Number(o.refunded) > 0 ? <span className="text-red-700"> − {formatMoney(o.refunded, o.currency)}</span> : null}
                        </span>
                      </div>
                      <p className="mt-0.5 text-xs text-slate-600">
                        {o.lines.map((l) => `${l.quantity} × ${l.title ?? "item"}`).join(", ") || "No line items synced"}
                        {o.refunds.length ? ` · ${o.refunds.length} refund${o.refunds.length === 1 ? "" : "s"}` : ""}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
          <CustomerTimeline profileId={profileId} eventNames={c.eventNames} />
        </div>

        <div className="space-y-6">
          <Card>
            <CardHeader title="Identities" description="What links this person, and where each came from" />
            <CardBody>
              <ul className="space-y-2 text-sm" aria-label="Identities">
                {c.identities.map((i) => (
                  <li key={`${i.kind}:${i.value}`}>
                    <p className="flex items-center gap-2">
                      <Badge tone="indigo">{KIND_LABELS[i.kind] ?? i.kind}</Badge>
                      <span className="break-all text-slate-900">{i.kind === "shopifyCustomer" ? i.value.split(":")[1] : i.value}</span>
                    </p>
                    <p className="text-xs text-slate-500">
                      {i.origin} · <Timestamp at={i.firstSeenAt} day />
                      {c.members.length > 1 ? ` · profile ${i.profileId}` : ""}
                    </p>
                  </li>
                ))}
              </ul>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Consent" />
            <CardBody className="text-sm">
              {c.consent.length === 0 ? (
                <p className="text-slate-600">No Shopify customer: no marketing consent recorded.</p>
              ) : (
                <dl className="space-y-1.5">
                  {c.consent.map((k) => (
                    <div key={k.store}>
                      <dt className="text-xs text-slate-500">{k.store}</dt>
                      <dd className="mt-0.5 flex flex-wrap gap-2">
                        <Badge tone={k.email?.toLowerCase() === "subscribed" ? "green" : "slate"}>Email: {consentLabel(k.email)}</Badge>
                        <Badge tone={k.sms?.toLowerCase() === "subscribed" ? "green" : "slate"}>SMS: {consentLabel(k.sms)}</Badge>
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Favourite products" />
            <CardBody>
              {c.favouriteProducts.length === 0 ? (
                <p className="text-sm text-slate-600">Nothing bought yet.</p>
              ) : (
                <ul className="space-y-2 text-sm" aria-label="Favourite products">
                  {c.favouriteProducts.map((p) => (
                    <li key={p.title}>
                      <div className="flex justify-between gap-2">
                        <span className="truncate text-slate-800">{p.title}</span>
                        <span className="shrink-0 tabular-nums text-slate-600">{formatUnits(p.units)}</span>
                      </div>
                      <div className="mt-1 h-1.5 rounded-full bg-slate-100" aria-hidden="true">
                        <div className="h-1.5 rounded-full bg-indigo-500" style={{ width: `${(p.units / maxUnits) * 100}%` }} />
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Traits" description={c.traitHistory.length ? `${c.traitHistory.length} identify call${c.traitHistory.length === 1 ? "" : "s"} recorded` : undefined} />
            <CardBody className="space-y-3 text-sm">
              {Object.keys(c.traits).length === 0 ? (
                <p className="text-slate-600">No traits yet.</p>
              ) : (
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                  {Object.entries(c.traits).map(([k, v]) => (
                    <Trait key={k} name={k} value={v} />
                  ))}
                </dl>
              )}
              {c.traitHistory.length ? (
                <details>
                  <summary className="cursor-pointer text-xs font-medium text-indigo-700">History</summary>
                  <ol className="mt-2 space-y-1.5 border-l border-slate-200 pl-3 text-xs">
                    {c.traitHistory.map((h, i) => (
                      <li key={i}>
                        <Timestamp at={h.at} /> {h.source ? `· ${h.source}` : ""}
                        <p className="break-all text-slate-600">{JSON.stringify(h.traits)}</p>
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Merge history" />
            <CardBody>
              {c.merges.length === 0 ? (
                <p className="text-sm text-slate-600">Never merged: one profile from the start.</p>
              ) : (
                <ul className="space-y-3 text-sm" aria-label="Merge history">
                  {c.merges.map((m) => (
                    <li key={m.id} data-testid={`merge-${m.id}`}>
                      <p className="flex flex-wrap items-center gap-2">
                        <Badge tone={m.status === "merged" ? "indigo" : m.status === "refused" ? "amber" : "slate"}>{m.status}</Badge>
                        <span className="text-slate-700">
                          profile {m.loserId} → {m.winnerId}
                        </span>
                      </p>
                      <p className="mt-0.5 text-xs text-slate-600">
                        {describeCause(m.cause)} · <Timestamp at={m.createdAt} />
                        {m.reason ? ` · ${m.reason}` : ""}
                        {m.undoneAt ? <> · undone <Timestamp at={m.undoneAt} /></> : null}
                      </p>
                      {m.canUndo && isAdmin ? (
                        <Button className="mt-1" size="sm" variant="secondary" loading={unmerge.isPending && unmerge.variables?.mergeId === m.id} onClick={() => unmerge.mutate({ brand: brand.slug, mergeId: m.id })}>
                          Undo merge
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}

/** Shopify's marketing states (SUBSCRIBED, NOT_SUBSCRIBED, …) as words. */
function consentLabel(state: string | null): string {
  return state ? state.toLowerCase().replaceAll("_", " ") : "no contact point";
}

function describeCause(cause: unknown): string {
  const c = cause as { identifier?: { kind: string; value: string }; messageId?: string; customerShopifyId?: string } | null;
  if (!c?.identifier) return "";
  const what = `${KIND_LABELS[c.identifier.kind] ?? c.identifier.kind} ${c.identifier.kind === "shopifyCustomer" ? c.identifier.value.split(":")[1] : c.identifier.value}`;
  return c.customerShopifyId ? `${what}, from a Shopify customer` : c.messageId ? `${what}, from an event` : what;
}

function Trait({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt className="text-slate-500">{name}</dt>
      <dd className="break-all text-slate-900">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
    </>
  );
}

function Kpi({ label, value, note, testId }: { label: string; value: ReactNode; note?: ReactNode; testId?: string }) {
  return (
    <Card>
      <CardBody>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
          {value}
        </p>
        {note ? <p className="mt-0.5 text-xs text-slate-500">{note}</p> : null}
      </CardBody>
    </Card>
  );
}
