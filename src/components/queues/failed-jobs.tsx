"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { roleAtLeast } from "~/lib/roles";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { PagedTable } from "~/components/ui/paged-table";
import { describeError, useTRPC } from "~/lib/trpc";
import type { BrandFailedJob } from "~/server/services/queues/failed-jobs";
import { Timestamp } from "~/components/ui/timestamp";
import { formatAgo } from "~/lib/format";

const column = createColumnHelper<BrandFailedJob>();

export function FailedJobs() {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = roleAtLeast(brand.role, "admin");
  const failed = useInfiniteQuery(trpc.queues.failed.infiniteQueryOptions({ brand: brand.slug, limit: 25 }, { getNextPageParam: (last) => last.next }));
  const rows = failed.data?.pages.flatMap((p) => p.jobs) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.queues.failed.pathKey() });
  const retry = useMutation(trpc.queues.retry.mutationOptions({ onSuccess: refresh }));
  const discard = useMutation(trpc.queues.discard.mutationOptions({ onSuccess: refresh }));

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Job",
        cell: (c) => (
          <div>
            <p className="font-medium text-slate-900">
              {c.row.original.queue} / {c.getValue()}
            </p>
            <p className="max-w-48 font-mono text-xs break-all text-slate-500">{c.row.original.id}</p>
          </div>
        ),
      }),
      column.accessor("error", {
        header: "Error",
        cell: (c) => (
          <details className="max-w-xl">
            <summary className="cursor-pointer break-words text-red-700">{c.getValue()}</summary>
            {c.row.original.stack ? (
              <pre className="mt-2 max-h-48 overflow-auto rounded bg-slate-900 p-3 text-xs break-all whitespace-pre-wrap text-slate-100">{c.row.original.stack}</pre>
            ) : null}
          </details>
        ),
      }),
      column.accessor("attemptsMade", { header: "Attempts", cell: (c) => <Badge>{c.getValue()}</Badge> }),
      column.accessor("failedAt", {
        header: "Failed",
        cell: (c) => {
          const at = c.getValue();
          return at === null ? (
            <span className="text-slate-600">—</span>
          ) : (
            <span className="whitespace-nowrap text-slate-600" title={formatAgo(at)}>
              <Timestamp at={at} />
            </span>
          );
        },
      }),
      column.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (c) =>
          canManage ? (
            <div className="flex justify-end gap-2 whitespace-nowrap">
              <Button size="sm" variant="secondary" onClick={() => retry.mutate({ brand: brand.slug, queue: c.row.original.queue, jobId: c.row.original.id })}>
                Retry
              </Button>
              <Button size="sm" variant="danger" onClick={() => discard.mutate({ brand: brand.slug, queue: c.row.original.queue, jobId: c.row.original.id })}>
                Discard
              </Button>
            </div>
          ) : null,
      }),
    ],
    [brand.slug, canManage, retry, discard],
  );

  const actionError = describeError(retry.error ?? discard.error).message;
  return (
    <Card>
      <CardHeader title="Failed jobs" description="This brand's jobs that ran out of attempts, newest first." />
      <CardBody>
        {actionError ? <Alert tone="error" className="mb-3">{actionError}</Alert> : null}
        <PagedTable
          label="Failed jobs"
          query={failed}
          rows={rows}
          columns={columns}
          rowId={(r) => `${r.queue}/${r.id}`}
          empty={{ title: "No failed jobs", description: "When a job of this brand fails for good, it shows here with its error and stack, ready to retry." }}
        />
      </CardBody>
    </Card>
  );
}
