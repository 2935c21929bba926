"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { SkeletonRows } from "~/components/ui/skeleton";
import { SelectField } from "~/components/ui/field";
import { Timestamp } from "~/components/ui/timestamp";
import { formatAgo, formatCount, formatDuration, formatMoney, formatMs } from "~/lib/format";
import { roleAtLeast } from "~/lib/roles";
import { useTRPC } from "~/lib/trpc";
import type { SyncStatus } from "~/server/services/sync/status";
import { ProgressBar } from "./progress-bar";
import { ENTITY_LABELS, PHASE_LABELS, useSyncStatus } from "./sync-status";

type StoreStatus = SyncStatus["stores"][number];
const PHASE_ORDER = Object.keys(PHASE_LABELS);
type Step = NonNullable<StoreStatus["run"]>["steps"][number];

const PHASE_TONE: Record<string, "slate" | "indigo" | "green" | "red" | "amber"> = {
  queued: "slate",
  bulk_running: "indigo",
  downloading: "indigo",
  staging: "indigo",
  promoting: "indigo",
  done: "green",
  failed: "red",
};

/** What the current phase's numbers count. */
function unitOf(step: Step): string {
  if (step.phase === "bulk_running") return `${ENTITY_LABELS[step.entity].toLowerCase()} exported`;
  if (step.phase === "promoting" || step.phase === "done") return "promoted";
  return "staged";
}

function StepRow({ step, canRetry }: { step: Step; canRetry: boolean }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const retry = useMutation(trpc.sync.retryStep.mutationOptions({ onError: (e) => setError(e.message), onSuccess: () => setError(null) }));
  const timings = Object.entries(step.timings)
    .filter(([phase, ms]) => (ms ?? 0) > 0 && phase !== "failed")
    .sort(([a], [b]) => PHASE_ORDER.indexOf(a) - PHASE_ORDER.indexOf(b));
  // The current failure is shown as the step's error; the history lists the ones before it.
  const earlier = step.phase === "failed" ? step.failures.slice(0, -1) : step.failures;
  return (
    <li className="space-y-2 px-5 py-4" data-testid={`sync-step-${step.entity}`} data-phase={step.phase}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <span className="text-sm font-semibold text-slate-900">{ENTITY_LABELS[step.entity]}</span>
          <Badge tone={step.retrying ? "amber" : PHASE_TONE[step.phase]}>{step.retrying ? `Retrying (${step.retrying.attempt} of ${step.retrying.of})` : PHASE_LABELS[step.phase]}</Badge>
          {step.phase === "failed" && step.failedPhase ? <span className="text-xs text-slate-600">while {PHASE_LABELS[step.failedPhase]?.toLowerCase()}</span> : null}
        </div>
        <div className="flex items-center gap-4 text-xs text-slate-600 tabular-nums">
          {step.total !== null ? (
            <span>
              {formatCount(step.done)} / {formatCount(step.total)} {unitOf(step)}
            </span>
          ) : null}
          {step.ratePerSecond ? <span>{formatCount(step.ratePerSecond)}/s</span> : null}
          {step.etaSeconds ? <span>about {formatDuration(step.etaSeconds)} left</span> : null}
        </div>
      </div>
      <ProgressBar fraction={step.phase === "queued" ? 0 : step.fraction} tone={step.phase === "failed" ? "red" : step.phase === "done" ? "green" : "indigo"} label={`${ENTITY_LABELS[step.entity]} sync`} />
      {timings.length ? (
        <p className="text-xs text-slate-600">
          {timings.map(([phase, ms]) => `${PHASE_LABELS[phase]?.toLowerCase()} ${formatMs(ms ?? 0)}`).join(" · ")}
          {step.objectCount ? ` · ${formatCount(step.objectCount)} objects in Shopify's export` : ""}
        </p>
      ) : null}
      {step.retrying ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-amber-200 ring-inset" data-testid="sync-step-retrying">
          Attempt {step.retrying.attempt} of {step.retrying.of} failed and will be tried again shortly: {step.retrying.error}
        </p>
      ) : null}
      {step.error ? (
        <div className="flex flex-wrap items-start justify-between gap-3 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800 ring-1 ring-red-200 ring-inset">
          <span className="min-w-0 break-words">{step.error}</span>
          {step.phase === "failed" && canRetry ? (
            <Button size="sm" variant="danger" loading={retry.isPending} onClick={() => retry.mutate({ brand: brand.slug, stepId: step.id })}>
              Retry
            </Button>
          ) : null}
        </div>
      ) : null}
      {earlier.length ? (
        <details className="text-xs text-slate-600" data-testid="sync-step-failures">
          <summary className="cursor-pointer font-medium text-slate-700">
            {earlier.length === 1 ? "Failed once before" : `Failed ${earlier.length} times before`}
          </summary>
          <ul className="mt-1 space-y-1 border-l-2 border-slate-200 pl-3">
            {earlier.map((f) => (
              <li key={f.at}>
                <Timestamp at={f.at} />, while {PHASE_LABELS[f.phase]?.toLowerCase()}: {f.error}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {error ? <p className="text-xs text-red-700">{error}</p> : null}
    </li>
  );
}

const CHECK_WINDOWS = [
  { value: "7", label: "last 7 days" },
  { value: "30", label: "last 30 days" },
  { value: "90", label: "last 90 days" },
  { value: "365", label: "last 365 days" },
];

const TRIGGER_LABELS = { history: "the history sync", reconcile: "reconciliation", manual: "a manual check" } as const;

function CompletenessCard({ store, canAct }: { store: StoreStatus; canAct: boolean }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const [days, setDays] = useState("30");
  const check = useMutation(trpc.sync.check.mutationOptions());
  const c = store.check;
  const connected = store.status === "connected";
  const action = canAct ? (
    <div className="flex items-end gap-2">
      <SelectField label="Money of orders updated in the" className="w-40" value={days} onChange={(e) => setDays(e.target.value)} options={CHECK_WINDOWS} disabled={!connected} />
      <Button size="sm" variant="secondary" loading={check.isPending} disabled={!connected} onClick={() => check.mutate({ brand: brand.slug, storeId: store.id, days: Number(days) })}>
        Check again
      </Button>
    </div>
  ) : null;
  if (!c) {
    return (
      <Card>
        <CardHeader title="Completeness" description="Compared with the shop's own counts and totals after each sync." actions={action} />
        <CardBody>
          <p className="text-sm text-slate-600">Not checked yet: the first check runs when the history sync finishes.</p>
        </CardBody>
      </Card>
    );
  }
  const countsDiffer = c.counts.filter((row) => row.local !== row.shop);
  const moneyDiffers = c.money.filter((m) => m.shop.total !== m.local.total || m.shop.refunded !== m.local.refunded || m.shop.orders !== m.local.orders);
  const stale = c.money.reduce((n, m) => n + (m.stale ?? 0), 0);
  const compared = c.money.reduce((n, m) => n + m.shop.orders, 0);
  return (
    <Card>
      <CardHeader title="Completeness" description={`Last checked ${formatAgo(Date.parse(c.checkedAt))}, after ${TRIGGER_LABELS[c.trigger]}`} actions={action} />
      <CardBody className="space-y-4">
        {check.error ? <Alert tone="error">{check.error.message}</Alert> : null}
        {c.ok ? (
          <Alert tone="success" title="Complete">
            The counts of orders, customers and products match the shop&apos;s own
            {compared ? `, and the money of ${c.window} matches to the cent.` : `. No order was in the money window (${c.window}), so no money was compared.`}
          </Alert>
        ) : (
          <Alert tone="error" title="Drift detected">
            <ul className="list-disc space-y-0.5 pl-5">
              {countsDiffer.map((row) => (
                <li key={row.entity}>
                  {ENTITY_LABELS[row.entity]}: Shopify has {formatCount(row.shop)}, Brandbase {formatCount(row.local)}.
                </li>
              ))}
              {moneyDiffers.map((m) => (
                <li key={m.currency}>Money in {m.currency} differs for {c.window}.</li>
              ))}
              {stale ? <li>{formatCount(stale)} {stale === 1 ? "order is" : "orders are"} older here than in the shop (a missed update).</li> : null}
            </ul>
            <p className="mt-1">Reconciliation runs every few minutes and repairs missed changes; if the drift stays, sync the history again.</p>
          </Alert>
        )}
        <table className="w-full text-sm" data-testid="completeness-counts">
          <caption className="pb-1 text-left text-xs text-slate-600">Records, counted by Shopify and by us</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th className="py-1 font-medium">Records</th>
              <th className="py-1 text-right font-medium">Shopify</th>
              <th className="py-1 text-right font-medium">Brandbase</th>
              <th className="py-1 text-right font-medium">Difference</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {c.counts.map((row) => (
              <tr key={row.entity}>
                <td className="py-1.5">{ENTITY_LABELS[row.entity]}</td>
                <td className="py-1.5 text-right tabular-nums">{formatCount(row.shop)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatCount(row.local)}</td>
                <td className={`py-1.5 text-right tabular-nums ${row.local !== row.shop ? "font-semibold text-red-700" : "text-slate-600"}`}>{formatCount(row.local - row.shop)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {c.money.length ? (
          <table className="w-full text-sm" data-testid="completeness-money">
            <caption className="pb-1 text-left text-xs text-slate-600">
              Money of {c.window}
              {c.changedSince ? ` (${formatCount(c.changedSince)} changed in the shop while it was read, left out)` : ""}
            </caption>
            <thead>
              <tr className="text-left text-xs text-slate-600">
                <th className="py-1 font-medium">Currency</th>
                <th className="py-1 text-right font-medium">Orders</th>
                <th className="py-1 text-right font-medium">Shopify total</th>
                <th className="py-1 text-right font-medium">Brandbase total</th>
                <th className="py-1 text-right font-medium">Refunded (Shopify / ours)</th>
                <th className="py-1 text-right font-medium">Older here</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {c.money.map((m) => {
                const drift = m.shop.total !== m.local.total || m.shop.refunded !== m.local.refunded || m.shop.orders !== m.local.orders || Boolean(m.stale);
                return (
                  <tr key={m.currency} className={drift ? "text-red-700" : undefined}>
                    <td className="py-1.5">{m.currency}</td>
                    <td className="py-1.5 text-right tabular-nums">
                      {formatCount(m.shop.orders)}
                      {m.local.orders !== m.shop.orders ? ` / ${formatCount(m.local.orders)}` : ""}
                    </td>
                    <td className="py-1.5 text-right tabular-nums">{formatMoney(m.shop.total, m.currency)}</td>
                    <td className="py-1.5 text-right tabular-nums">{formatMoney(m.local.total, m.currency)}</td>
                    <td className="py-1.5 text-right tabular-nums">
                      {formatMoney(m.shop.refunded, m.currency)} / {formatMoney(m.local.refunded, m.currency)}
                    </td>
                    <td className="py-1.5 text-right tabular-nums">{formatCount(m.stale ?? 0)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </CardBody>
    </Card>
  );
}

/** What the operator can do about a store that is not connected: reconnect it (owners) through Shopify. */
function NotConnectedBanner({ store }: { store: StoreStatus }) {
  const brand = useBrand();
  const isOwner = roleAtLeast(brand.role, "owner");
  const text = {
    uninstalled: { title: "The app was uninstalled from this store", body: "Syncing stopped when the merchant removed the Brandbase app. Reconnect the store to sync it again." },
    needs_reauth: { title: "This store needs to be re-authorized", body: "Shopify no longer accepts Brandbase's access. Reconnect the store to authorize it again." },
    disconnected: { title: "This store is disconnected", body: "It was disconnected from Brandbase. Connect it again to sync it." },
    connected: { title: "", body: "" },
  }[store.status];
  return (
    <Alert tone="warning" title={text.title}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <span>{text.body}</span>
        {isOwner ? (
          <a href={`/api/shopify/install?brand=${encodeURIComponent(brand.slug)}&shop=${encodeURIComponent(store.shop)}`} className="shrink-0">
            <Button size="sm">Reconnect</Button>
          </a>
        ) : (
          <span className="text-xs">An owner of this brand can reconnect it.</span>
        )}
      </div>
    </Alert>
  );
}

function StoreSync({ store }: { store: StoreStatus }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const canAct = roleAtLeast(brand.role, "admin");
  const connected = store.status === "connected";
  const [error, setError] = useState<string | null>(null);
  const start = useMutation(trpc.sync.start.mutationOptions({ onError: (e) => setError(e.message), onSuccess: () => setError(null) }));
  const retryAll = useMutation(trpc.sync.retryRun.mutationOptions({ onError: (e) => setError(e.message), onSuccess: () => setError(null) }));
  const run = store.run;
  const running = run?.status === "running";
  const failedSteps = run?.steps.filter((s) => s.phase === "failed") ?? [];
  const stored = store.counts;
  return (
    <section className="space-y-4" aria-label={`Sync of ${store.shop}`}>
      {!connected ? <NotConnectedBanner store={store} /> : null}
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              {store.shop}
              {!connected ? <Badge tone="amber">{store.status === "needs_reauth" ? "needs re-authorization" : store.status}</Badge> : null}
            </span>
          }
          description={
            run
              ? running
                ? `History sync started ${formatAgo(Date.parse(run.startedAt))} · ${Math.round(run.fraction * 100)}% done`
                : run.stopReason
                  ? `History sync stopped ${formatAgo(Date.parse(run.finishedAt ?? run.startedAt))}. ${run.stopReason.replace(/^Stopped: /, "The reason: ")}`
                  : `Last history sync ${run.status === "done" ? "finished" : "stopped"} ${formatAgo(Date.parse(run.finishedAt ?? run.startedAt))}`
              : "No history sync yet"
          }
          actions={
            canAct ? (
              <div className="flex gap-2">
                {connected && failedSteps.length > 1 && !running ? (
                  <Button size="sm" variant="danger" loading={retryAll.isPending} onClick={() => retryAll.mutate({ brand: brand.slug, runId: run!.id })}>
                    Retry all ({failedSteps.length})
                  </Button>
                ) : null}
                <Button size="sm" variant="secondary" loading={start.isPending} disabled={running || !connected} onClick={() => start.mutate({ brand: brand.slug, storeId: store.id })}>
                  Sync history again
                </Button>
              </div>
            ) : null
          }
        />
        {error ? <p className="px-5 pt-3 text-sm text-red-700">{error}</p> : null}
        {run ? (
          <ul className="divide-y divide-slate-100">
            {run.steps.map((step) => (
              <StepRow key={step.id} step={step} canRetry={canAct && connected} />
            ))}
          </ul>
        ) : (
          <CardBody>
            <p className="text-sm text-slate-600">The history sync starts when the store connects.</p>
          </CardBody>
        )}
        <div className="border-t border-slate-100 px-5 py-3 text-xs text-slate-600">
          {`Stored: ${formatCount(stored.orders)} orders · ${formatCount(stored.customers)} customers · ${formatCount(stored.products)} products`}
          {store.syncedThrough ? (
            <>
              {" · incremental sync through "}
              <Timestamp at={store.syncedThrough} />
            </>
          ) : null}
        </div>
      </Card>
      <CompletenessCard store={store} canAct={canAct} />
    </section>
  );
}

export function SyncView() {
  const brand = useBrand();
  const { status, connection } = useSyncStatus();
  const badge =
    connection === "error" ? <Badge tone="red">Disconnected</Badge> : connection === "connecting" ? <Badge tone="amber">Connecting…</Badge> : (
      <Badge tone="green">
        <span className="mr-1.5 inline-block size-1.5 animate-pulse rounded-full bg-emerald-500" />
        Live
      </Badge>
    );
  return (
    <>
      <PageHeader title="Sync" description="Each store's history sync, step by step, and whether our data matches the shop's." actions={badge} />
      {!status ? (
        <Card>
          <CardBody>
            <SkeletonRows rows={5} />
          </CardBody>
        </Card>
      ) : status.stores.length === 0 ? (
        <EmptyState
          title="No store connected"
          description="Connect a Shopify store and its whole history syncs here, live."
          action={
            <Link href={`/${brand.slug}/settings/stores`}>
              <Button>Connect a store</Button>
            </Link>
          }
        />
      ) : (
        <div className="space-y-8">
          {status.stores.map((s) => (
            <StoreSync key={s.id} store={s} />
          ))}
        </div>
      )}
    </>
  );
}
