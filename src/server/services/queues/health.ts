import type { JobFilter, JobRecord, QueueCounts, QueuePort } from "../../infra/queue/port";
import { AppError } from "../../errors";
import { QUEUE_NAMES, type QueueName, queueContracts } from "../../jobs/contracts";

export interface LatencyStats {
  /** Jobs the figures are computed from (most recent completions). */
  sampled: number;
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  runP50Ms: number | null;
  runP95Ms: number | null;
}

export interface QueueHealth {
  name: QueueName;
  description: string;
  counts: QueueCounts;
  paused: boolean;
  /** Completed jobs per minute over the last THROUGHPUT_MINUTES, oldest first. */
  completedPerMinute: number[];
  failedPerMinute: number[];
  latency: LatencyStats;
  /** A state held more jobs than one scan reads: its brand count is a lower bound. */
  capped: boolean;
  /** When the newest failure happened (epoch ms): a retried job failing again moves it, even when the count stays. */
  lastFailedAt: number | null;
}

/**
 * What the queue figures cover: one brand's jobs (what its members see), or the whole instance
 * (instance administrators and monitoring only — other tenants' volume is not a member's business).
 */
export type QueueScope = { brandId: string } | "instance";

export const THROUGHPUT_MINUTES = 15;
const LATENCY_SAMPLE = 100;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function latencyOf(jobs: JobRecord[]): LatencyStats {
  const waits: number[] = [];
  const runs: number[] = [];
  for (const job of jobs) {
    if (job.processedAt === undefined || job.finishedAt === undefined) continue;
    waits.push(Math.max(0, job.processedAt - job.createdAt));
    runs.push(Math.max(0, job.finishedAt - job.processedAt));
  }
  waits.sort((a, b) => a - b);
  runs.sort((a, b) => a - b);
  return {
    sampled: runs.length,
    waitP50Ms: percentile(waits, 50),
    waitP95Ms: percentile(waits, 95),
    runP50Ms: percentile(runs, 50),
    runP95Ms: percentile(runs, 95),
  };
}

export async function getQueueHealth(deps: { queue: QueuePort }, input: { queue: QueueName; scope: QueueScope }): Promise<QueueHealth> {
  const filter: JobFilter | undefined = input.scope === "instance" ? undefined : input.scope;
  const [{ capped, lastFailedAt, ...counts }, paused, series, recent] = await Promise.all([
    deps.queue.counts(input.queue, filter),
    deps.queue.isPaused(input.queue),
    deps.queue.throughput(input.queue, THROUGHPUT_MINUTES, filter),
    deps.queue.pageFinished(input.queue, "completed", { filter, limit: LATENCY_SAMPLE }),
  ]);
  return {
    name: input.queue,
    description: queueContracts[input.queue].description,
    counts: counts as QueueCounts,
    paused,
    completedPerMinute: series.completed,
    failedPerMinute: series.failed,
    latency: latencyOf(recent),
    lastFailedAt: lastFailedAt ?? null,
    capped: Boolean(capped),
  };
}

export async function getAllQueuesHealth(deps: { queue: QueuePort }, input: { scope: QueueScope }): Promise<QueueHealth[]> {
  return Promise.all(QUEUE_NAMES.map((queue) => getQueueHealth(deps, { queue, scope: input.scope })));
}

/** Computations by queue backend and scope: the newest one's start time and result. */
const shared = new WeakMap<QueuePort, Map<string, { startedAt: number; result: Promise<QueueHealth[]> }>>();

/**
 * `getAllQueuesHealth` for live views: every viewer of a scope wakes on the same activity message,
 * so one computation started at or after that change (`notBefore`) serves them all.
 */
export function getQueuesHealthShared(deps: { queue: QueuePort }, input: { scope: QueueScope; notBefore: number }): Promise<QueueHealth[]> {
  const byScope = shared.get(deps.queue) ?? new Map<string, { startedAt: number; result: Promise<QueueHealth[]> }>();
  shared.set(deps.queue, byScope);
  const key = input.scope === "instance" ? "instance" : input.scope.brandId;
  const last = byScope.get(key);
  if (last && last.startedAt >= input.notBefore) return last.result;
  const entry = { startedAt: Date.now(), result: getAllQueuesHealth(deps, { scope: input.scope }) };
  byScope.set(key, entry);
  // A failed computation is not shared with whoever asks next.
  entry.result.catch(() => {
    if (byScope.get(key) === entry) byScope.delete(key);
  });
  return entry.result;
}

/** The scope a caller asked for, if they may see it: the whole instance is for instance administrators only. */
export function queueScopeFor(caller: { user: { isInstanceAdmin: boolean }; brandId: string }, requested: "brand" | "instance"): QueueScope {
  if (requested === "brand") return { brandId: caller.brandId };
  if (!caller.user.isInstanceAdmin) throw new AppError("FORBIDDEN", "Only instance administrators can see the whole instance's queues");
  return "instance";
}
