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
    .filter(([, ms]) => (ms ?? 0) > 0)
    .sort(([a], [b]) => PHASE_ORDER.indexOf(a) - PHASE_ORDER.indexOf(b));
  return (
    <li className="space-y-2 px-5 py-4" data-testid={`sync-step-${step.entity}`} data-phase={step.phase}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <span className="text-sm font-semibold text-slate-900">{ENTITY_LABELS[step.entity]}</span>
          <Badge tone={PHASE_TONE[step.phase]}>{PHASE_LABELS[step.phase]}</Badge>
          {step.phase === "failed" && step.failedPhase ? <span className="text-xs text-slate-500">while {PHASE_LABELS[step.failedPhase]?.toLowerCase()}</span> : null}
        </div>
        <div className="flex items-center gap-4 text-xs text-slate-500 tabular-nums">
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
        <p className="text-xs text-slate-500">
          {timings.map(([phase, ms]) => `${PHASE_LABELS[phase]?.toLowerCase()} ${formatMs(ms ?? 0)}`).join(" · ")}
          {step.objectCount ? ` · ${formatCount(step.objectCount)} objects in Shopify's export` : ""}
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
      {error ? <p className="text-xs text-red-700">{error}</p> : null}
    </li>
  );
}

function CompletenessCard({ store, canAct }: { store: StoreStatus; canAct: boolean }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const check = useMutation(trpc.sync.check.mutationOptions());
  const c = store.check;
  const action = canAct ? (
    <Button size="sm" variant="secondary" loading={check.isPending} disabled={store.status !== "connected"} onClick={() => check.mutate({ brand: brand.slug, storeId: store.id })}>
      Check again
    </Button>
  ) : null;
  if (!c) {
    return (
      <Card>
        <CardHeader title="Completeness" description="Compared with the shop's own counts and totals after each sync." actions={action} />
        <CardBody>
          <p className="text-sm text-slate-500">Not checked yet: the first check runs when the history sync finishes.</p>
        </CardBody>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader title="Completeness" description={`Last checked ${formatAgo(Date.parse(c.checkedAt))} (after ${c.trigger === "history" ? "the history sync" : c.trigger === "reconcile" ? "reconciliation" : "a manual check"})`} actions={action} />
      <CardBody className="space-y-4">
        {c.ok ? (
          <Alert tone="success" title="Complete">
            Counts and money match the shop.
          </Alert>
        ) : (
          <Alert tone="error" title="Drift detected">
            Our data differs from the shop&apos;s. Reconciliation runs every few minutes and repairs missed changes; if the drift stays, sync the history again.
          </Alert>
        )}
        <table className="w-full text-sm" data-testid="completeness-counts">
          <thead>
            <tr className="text-left text-xs text-slate-500">
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
                <td className={`py-1.5 text-right tabular-nums ${row.local !== row.shop ? "font-semibold text-red-700" : "text-slate-500"}`}>{formatCount(row.local - row.shop)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {c.money.length ? (
          <table className="w-full text-sm" data-testid="completeness-money">
            <caption className="pb-1 text-left text-xs text-slate-500">Money of {c.window}{c.changedSince ? ` (${formatCount(c.changedSince)} changed since, left out)` : ""}</caption>
            <thead>
              <tr className="text-left text-xs text-slate-500">
                <th className="py-1 font-medium">Currency</th>
                <th className="py-1 text-right font-medium">Orders</th>
                <th className="py-1 text-right font-medium">Shopify total</th>
                <th className="py-1 text-right font-medium">Brandbase total</th>
                <th className="py-1 text-right font-medium">Refunded (Shopify / ours)</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {c.money.map((m) => {
                const drift = m.shop.total !== m.local.total || m.shop.refunded !== m.local.refunded || m.shop.orders !== m.local.orders;
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

function StoreSync({ store }: { store: StoreStatus }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const canAct = roleAtLeast(brand.role, "admin");
  const [error, setError] = useState<string | null>(null);
  const start = useMutation(trpc.sync.start.mutationOptions({ onError: (e) => setError(e.message), onSuccess: () => setError(null) }));
  const run = store.run;
  const running = run?.status === "running";
  const stored = store.counts;
  return (
    <section className="space-y-4" aria-label={`Sync of ${store.shop}`}>
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              {store.shop}
              {store.status !== "connected" ? <Badge tone="amber">{store.status.replace("_", " ")}</Badge> : null}
            </span>
          }
          description={
            run
              ? running
                ? `History sync started ${formatAgo(Date.parse(run.startedAt))} · ${Math.round(run.fraction * 100)}% done`
                : `Last history sync ${run.status === "done" ? "finished" : "stopped"} ${formatAgo(Date.parse(run.finishedAt ?? run.startedAt))}`
              : "No history sync yet"
          }
          actions={
            canAct ? (
              <Button size="sm" variant="secondary" loading={start.isPending} disabled={running || store.status !== "connected"} onClick={() => start.mutate({ brand: brand.slug, storeId: store.id })}>
                Sync history again
              </Button>
            ) : null
          }
        />
        {error ? <p className="px-5 pt-3 text-sm text-red-700">{error}</p> : null}
        {run ? (
          <ul className="divide-y divide-slate-100">
            {run.steps.map((step) => (
              <StepRow key={step.id} step={step} canRetry={canAct} />
            ))}
          </ul>
        ) : (
          <CardBody>
            <p className="text-sm text-slate-500">The history sync starts when the store connects.</p>
          </CardBody>
        )}
        <div className="border-t border-slate-100 px-5 py-3 text-xs text-slate-500">
          {`Stored: ${formatCount(stored.orders)} orders · ${formatCount(stored.customers)} customers · ${formatCount(stored.products)} products`}
          {store.syncedThrough ? ` · incremental sync through ${new Date(store.syncedThrough).toLocaleString()}` : ""}
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
