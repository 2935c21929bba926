import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { JobContext } from "../../infra/queue/port";
import type { JobPayload, QueueName } from "../../jobs/contracts";
import type { JobProducer } from "../../jobs/queue";
import type { PubSubPort } from "../../infra/pubsub/port";
import { announceQueueActivity } from "./activity";

/** Sends a diagnostic job through a queue; returns its id so the caller can watch it. */
export async function enqueueProbe(
  deps: { jobs: JobProducer; pubsub: PubSubPort },
  input: { brandId: string; queue: QueueName; durationMs?: number; fail?: boolean },
): Promise<{ jobId: string; probeId: string }> {
  const probeId = randomUUID();
  const payload = { brandId: input.brandId, probeId, durationMs: input.durationMs ?? 0, fail: input.fail ?? false };
  // A failing probe fails at once rather than walking the whole backoff schedule.
  const jobId = await deps.jobs.enqueue(input.queue, "probe", payload, { jobId: `probe-${probeId}`, attempts: payload.fail ? 1 : 3 });
  await announceQueueActivity(deps, [input.queue]);
  return { jobId, probeId };
}

/** The probe's handler, the same on every queue. */
export async function runProbe(payload: JobPayload<"sync", "probe">, ctx: JobContext): Promise<{ probeId: string; attempt: number }> {
  if (payload.durationMs > 0) await sleep(payload.durationMs, undefined, { signal: ctx.signal });
  if (payload.fail) throw new Error(`Probe ${payload.probeId} failed on request`);
  ctx.log.info({ probeId: payload.probeId }, "probe completed");
  return { probeId: payload.probeId, attempt: ctx.attempt };
}
