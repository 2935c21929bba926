"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { roleAtLeast } from "~/lib/roles";
import { PageHeader } from "~/components/page-header";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SkeletonRows } from "~/components/ui/skeleton";
import { useTRPC } from "~/lib/trpc";
import type { QueueName } from "~/server/jobs/contracts";
import { BackendBadge, BackendNotice } from "./backend-status";
import { FailedJobs } from "./failed-jobs";
import { ProbeForm } from "./probe-form";
import { QueueTable } from "./queue-table";
import { ThroughputChart } from "./throughput-chart";

/** `queueNames` comes from the server page: the job contracts are server code. */
export function QueueHealthView({ queueNames }: { queueNames: readonly QueueName[] }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isInstanceAdmin = brand.user.isInstanceAdmin;
  const [scope, setScope] = useState<"brand" | "instance">("brand");
  const live = useSubscription(trpc.queues.live.subscriptionOptions({ brand: brand.slug, scope }));
  const queues = live.data?.data;
  // The failed list changes when a job fails (again) or leaves the failed set: the count and the
  // newest failure's time together say so, even when a retried job fails again within one snapshot.
  const failedSignal = queues ? `${queues.reduce((n, q) => n + q.counts.failed, 0)}:${Math.max(0, ...queues.map((q) => q.lastFailedAt ?? 0))}` : undefined;
  const lastFailed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (failedSignal === undefined || failedSignal === lastFailed.current) return;
    lastFailed.current = failedSignal;
    void queryClient.invalidateQueries({ queryKey: trpc.queues.failed.pathKey() });
  }, [failedSignal, queryClient, trpc]);

  const connection =
    live.status === "error" ? (
      <Badge tone="red">Disconnected</Badge>
    ) : live.status === "connecting" ? (
      <Badge tone="amber">Connecting…</Badge>
    ) : (
      <Badge tone="green">
        <span className="mr-1.5 inline-block size-1.5 animate-pulse rounded-full bg-emerald-500" />
        Live
      </Badge>
    );

  return (
    <>
      <PageHeader
        title="Queue health"
        description="Every queue's backlog, throughput and latency, updated live as workers process jobs."
        actions={
          <div className="flex items-center gap-2">
            <BackendBadge />
            {connection}
          </div>
        }
      />
      <div className="space-y-6">
        <BackendNotice />
        <Card>
          <CardHeader
            title="Queues"
            description={
              scope === "brand"
                ? `This brand's jobs in each queue${queues?.some((q) => q.capped) ? " (a very long queue is counted from its newest 50,000 jobs)" : ""}.`
                : "Every brand's jobs: the whole instance."
            }
            actions={isInstanceAdmin ? <ScopeToggle scope={scope} onChange={setScope} /> : undefined}
          />
          <CardBody className="px-0 py-0">
            {queues ? <QueueTable queues={queues} canPause={isInstanceAdmin} /> : <div className="p-5"><SkeletonRows rows={6} /></div>}
          </CardBody>
        </Card>
        <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
          <Card>
            <CardHeader title="Throughput" description="Jobs completed per minute, last 15 minutes" />
            <CardBody>{queues ? <ThroughputChart queues={queues} /> : <SkeletonRows rows={4} />}</CardBody>
          </Card>
          {isInstanceAdmin ? (
            <ProbeForm queueNames={queueNames} />
          ) : (
            <Card>
              <CardHeader title="Test job" />
              <CardBody>
                <p className="text-sm text-slate-500">
                  Instance administrators can send a test job through a queue{roleAtLeast(brand.role, "admin") ? "; as an admin of this brand you can retry or discard its failed jobs." : "."}
                </p>
              </CardBody>
            </Card>
          )}
        </div>
        <FailedJobs />
      </div>
    </>
  );
}

/** Instance administrators switch between this brand's jobs and the whole instance's. */
function ScopeToggle(props: { scope: "brand" | "instance"; onChange: (scope: "brand" | "instance") => void }) {
  const option = (value: "brand" | "instance", label: string) => (
    <button
      type="button"
      aria-pressed={props.scope === value}
      onClick={() => props.onChange(value)}
      className={`px-3 py-1 text-xs font-medium ${props.scope === value ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
    >
      {label}
    </button>
  );
  return (
    <div role="group" aria-label="Which jobs to count" className="inline-flex overflow-hidden rounded-md border border-slate-300">
      {option("brand", "This brand")}
      {option("instance", "Whole instance")}
    </div>
  );
}
