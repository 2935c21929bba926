import type { JobRecord, QueuePort } from "../../infra/queue/port";
import { QUEUE_NAMES, type QueueName } from "../../jobs/contracts";
import { AppError } from "../../errors";

/** How many of a queue's newest failed jobs are scanned for a brand's own. */
const SCAN_LIMIT = 1_000;

export interface BrandFailedJob {
  queue: QueueName;
  id: string;
  name: string;
  attemptsMade: number;
  error: string;
  stack: string | null;
  failedAt: number | null;
  createdAt: number;
}

/** The brands a job serves: its payload's `brandId`, or `brandIds` for one that serves several (a shop's webhook). */
function brandsOf(job: JobRecord): string[] {
  const data = job.data as { brandId?: unknown; brandIds?: unknown } | null;
  if (typeof data !== "object" || data === null) return [];
  if (typeof data.brandId === "string") return [data.brandId];
  return Array.isArray(data.brandIds) ? data.brandIds.filter((b): b is string => typeof b === "string") : [];
}

function belongsTo(job: JobRecord, brandId: string): boolean {
  return brandsOf(job).includes(brandId);
}

function toFailedJob(queue: QueueName, job: JobRecord): BrandFailedJob {
  return {
    queue,
    id: job.id,
    name: job.name,
    attemptsMade: job.attemptsMade,
    error: job.failedReason ?? "unknown error",
    stack: job.stacktrace.at(-1) ?? null,
    failedAt: job.finishedAt ?? null,
    createdAt: job.createdAt,
  };
}

/** A brand's failed jobs, newest first; other tenants' jobs never leave this function. */
export async function listBrandFailedJobs(
  deps: { queue: QueuePort },
  input: { brandId: string; limit: number },
): Promise<BrandFailedJob[]> {
  const perQueue = await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const jobs = await deps.queue.listJobs(queue, "failed", 0, SCAN_LIMIT - 1);
      return jobs.filter((j) => belongsTo(j, input.brandId)).map((j) => toFailedJob(queue, j));
    }),
  );
  return perQueue
    .flat()
    .sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0))
    .slice(0, input.limit);
}

async function findBrandFailedJob(deps: { queue: QueuePort }, input: { brandId: string; queue: QueueName; jobId: string }) {
  const job = await deps.queue.getJob(input.queue, input.jobId);
  // Another brand's job reads exactly like a missing one.
  if (!job || !belongsTo(job, input.brandId)) throw new AppError("NOT_FOUND", "No such failed job in this brand");
  if (!job.failedReason) throw new AppError("CONFLICT", "That job has not failed");
  return job;
}

export async function retryBrandJob(deps: { queue: QueuePort }, input: { brandId: string; queue: QueueName; jobId: string }) {
  await findBrandFailedJob(deps, input);
  await deps.queue.retry(input.queue, input.jobId);
}

export async function discardBrandJob(deps: { queue: QueuePort }, input: { brandId: string; queue: QueueName; jobId: string }) {
  const job = await findBrandFailedJob(deps, input);
  // Discarding would hide it from the other brands it serves too (retrying is for all of them).
  if (brandsOf(job).length > 1) throw new AppError("CONFLICT", "This job also serves another brand that has the same shop connected: retry it instead");
  await deps.queue.remove(input.queue, input.jobId);
}

