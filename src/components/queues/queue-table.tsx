"use client";

import { useMutation } from "@tanstack/react-query";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { useTRPC } from "~/lib/trpc";
import type { QueueHealth } from "~/server/services/queues/health";
import { formatMs } from "~/lib/format";

const COUNT_COLUMNS = ["waiting", "active", "delayed", "completed", "failed"] as const;

export function QueueTable({ queues, canPause }: { queues: QueueHealth[]; canPause: boolean }) {
  const trpc = useTRPC();
  const pause = useMutation(trpc.queues.pause.mutationOptions());
  const resume = useMutation(trpc.queues.resume.mutationOptions());

  return (
    <div className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600" role="region" aria-label="Queues" tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Queues">
        <thead className="bg-slate-50/60">
          <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-5 py-2.5">Queue</th>
            {COUNT_COLUMNS.map((c) => (
              <th key={c} scope="col" className="px-3 py-2.5 text-right">{c}</th>
            ))}
            <th scope="col" className="px-3 py-2.5 text-right">Last min</th>
            <th scope="col" className="px-3 py-2.5 text-right">Wait p50 / p95</th>
            <th scope="col" className="px-3 py-2.5 text-right">Run p50 / p95</th>
            {canPause ? <th scope="col" className="px-5 py-2.5"><span className="sr-only">Pause</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {queues.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <td className="px-5 py-3">
                <div className="flex items-center gap-2">
                  <span className="font-medium text-slate-900">{q.name}</span>
                  {q.paused ? <Badge tone="amber">Paused</Badge> : null}
                </div>
                <p className="max-w-xs text-xs text-slate-500">{q.description}</p>
              </td>
              {COUNT_COLUMNS.map((c) => (
                <td
                  key={c}
                  data-count={c}
                  className={`px-3 py-3 text-right tabular-nums ${c === "failed" && q.counts.failed > 0 ? "font-semibold text-red-600" : "text-slate-700"}`}
                >
                  {q.counts[c].toLocaleString()}
                </td>
              ))}
              <td className="px-3 py-3 text-right tabular-nums text-slate-700">{(q.completedPerMinute.at(-1) ?? 0).toLocaleString()}/min</td>
              <td className="px-3 py-3 text-right tabular-nums text-slate-600">
                {formatMs(q.latency.waitP50Ms)} / {formatMs(q.latency.waitP95Ms)}
              </td>
              <td className="px-3 py-3 text-right tabular-nums text-slate-600">
                {formatMs(q.latency.runP50Ms)} / {formatMs(q.latency.runP95Ms)}
              </td>
              {canPause ? (
                <td className="px-5 py-3 text-right">
                  {q.paused ? (
                    <Button size="sm" variant="secondary" loading={resume.isPending && resume.variables?.queue === q.name} onClick={() => resume.mutate({ queue: q.name })}>
                      Resume
                    </Button>
                  ) : (
                    <Button size="sm" variant="secondary" loading={pause.isPending && pause.variables?.queue === q.name} onClick={() => pause.mutate({ queue: q.name })} aria-label={`Pause ${q.name}`}>
                      Pause
                    </Button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
