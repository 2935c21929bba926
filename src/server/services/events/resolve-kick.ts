import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";

/** Events committed within one window share one resolution job, started when the window has ended. */
export const RESOLVE_WINDOW_MS = 250;

const lastWindow = new Map<string, number>();

/**
 * Asks the ingestion workers to resolve a brand's new events. The job of a window runs after the
 * window ends, so it sees every event committed in it; a process asks at most once per brand and
 * window. Fire and forget: if the queue cannot be reached, the events wait in Postgres for the
 * scheduled backlog sweep (`resolveBacklog`), so nothing committed is left behind.
 */
export function kickResolution(deps: { jobs: JobProducer; log: Logger }, brandId: string, now = Date.now()): void {
  const window = Math.floor(now / RESOLVE_WINDOW_MS);
  if (lastWindow.get(brandId) === window) return;
  lastWindow.set(brandId, window);
  if (lastWindow.size > 10_000) lastWindow.clear();
  const delayMs = (window + 1) * RESOLVE_WINDOW_MS - now;
  deps.jobs
    .enqueue("ingestion", "resolveEvents", { brandId }, { jobId: `resolve-${brandId}-${window}`, delayMs })
    .catch((err: unknown) => deps.log.warn({ err, brandId }, "events committed; resolution not queued (the backlog sweep will)"));
}
