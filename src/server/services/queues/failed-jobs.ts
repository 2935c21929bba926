import type { FinishedCursor, JobRecord, QueuePort } from "../../infra/queue/port";
import { QUEUE_NAMES, type QueueName } from "../../jobs/contracts";
import { AppError } from "../../errors";
import { brandsServedBy, requireBrandChild } from "../brands/access";

export interface BrandFailedJob {
  queue: QueueName;
  id: string;
  name: string;
  attemptsMade: number;
  error: string;
  stack: string | null;
  failedAt: number;
  createdAt: number;
}

function toFailedJob(queue: QueueName, job: JobRecord): BrandFailedJob {
  return {
    queue,
    id: job.id,
    name: job.name,
    attemptsMade: job.attemptsMade,
    error: job.failedReason ?? "unknown error",
    stack: job.stacktrace.at(-1) ?? null,
    failedAt: job.finishedAt ?? job.createdAt,
    createdAt: job.createdAt,
  };
}

/**
 * A page of the brand's failed jobs across every queue, newest first, after `cursor`. Each queue
 * filters in the backend (other tenants' jobs never leave it) and returns at most a page; the
 * pages are merged by failure time, so `next` continues exactly where this page ended.
 */
export async function listBrandFailedJobs(
  deps: { queue: QueuePort },
  input: { brandId: string; limit: number; cursor?: FinishedCursor | null },
): Promise<{ jobs: BrandFailedJob[]; next: FinishedCursor | null }> {
  const perQueue = await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const jobs = await deps.queue.pageFinished(queue, "failed", { filter: { brandId: input.brandId }, limit: input.limit, before: input.cursor ?? undefined });
      return jobs.map((j) => toFailedJob(queue, j));
    }),
  );
  const merged = perQueue
    .flat()
    .sort((a, b) => b.failedAt - a.failedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, input.limit);
  const last = merged.at(-1);
  return { jobs: merged, next: merged.length === input.limit && last ? { at: last.failedAt, id: last.id } : null };
}

async function findBrandFailedJob(deps: { queue: QueuePort }, input: { brandId: string; queue: QueueName; jobId: string }) {
  const job = await requireBrandChild(deps, { brandId: input.brandId, kind: "job", queue: input.queue, id: input.jobId });
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
  if (brandsServedBy(job).length > 1) throw new AppError("CONFLICT", "This job also serves another brand that has the same shop connected: retry it instead");
  await deps.queue.remove(input.queue, input.jobId);
}

