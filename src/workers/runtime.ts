import type { Infra } from "~/server/infra";
import type { WorkerHandle } from "~/server/infra/queue/port";
import { type JobInput, type JobName, type QueueName, queueContracts } from "~/server/jobs/contracts";
import type { Logger } from "~/server/logger";
import { createJobProducer } from "~/server/jobs/queue";
import { createActivityPublisher } from "~/server/services/queues/activity";
import { processors } from "./registry";

export interface RunningWorkers {
  queues: QueueName[];
  /** Graceful: stop taking jobs, let active ones finish within the grace period, release the rest. */
  stop(): Promise<void>;
}

type Jobs = ReturnType<typeof createJobProducer>;

interface Sweep {
  id: string;
  queue: QueueName;
  schedule(jobs: Jobs): Promise<void>;
  /** Queued at once on Postgres when Redis goes away, with the payload that takes every record. */
  recover(jobs: Jobs, at: number): Promise<unknown>;
}

/**
 * A sweep job run every `everyMs` under the schedule id `id` with `scheduled`, and at once with
 * `recover` when Redis goes away.
 */
function sweep<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, id: string, everyMs: number, payloads: { scheduled: JobInput<Q, N>; recover: JobInput<Q, N> }): Sweep {
  return {
    id,
    queue,
    schedule: (jobs) => jobs.schedule(queue, name, payloads.scheduled, { id, everyMs }),
    recover: (jobs, at) => jobs.enqueue(queue, name, payloads.recover, { jobId: `${id}-recover-${at}` }),
  };
}

/**
 * The sweeps that find records without a job and queue them again: what makes losing a queue
 * lose nothing (each record is committed in Postgres before its job is queued).
 */
const SWEEPS: Sweep[] = [
  sweep("ingestion", "requeueWebhooks", "requeue-webhooks", 60_000, { scheduled: {}, recover: { olderThanMs: 0 } }),
  sweep("ingestion", "resolveBacklog", "resolve-backlog", 60_000, { scheduled: {}, recover: { olderThanMs: 0 } }),
  sweep("send", "requeueEmails", "requeue-emails", 60_000, { scheduled: {}, recover: { olderThanMs: 0 } }),
  // Working steps record progress every few seconds; two minutes without any means no job.
  sweep("sync", "resumeStalledSteps", "resume-stalled-steps", 5 * 60_000, { scheduled: {}, recover: { stalledForMs: 120_000 } }),
];

export function startWorkers(deps: { infra: Infra; log: Logger }, opts: { queues: QueueName[]; graceMs: number; lockMs?: number }): RunningWorkers {
  const activity = createActivityPublisher(deps.infra);
  const handles: WorkerHandle[] = opts.queues.map((queue) =>
    deps.infra.queue.work(queue, processors[queue], {
      concurrency: queueContracts[queue].concurrency,
      graceMs: opts.graceMs,
      lockMs: opts.lockMs,
      log: deps.log,
      onEvent: (event) => activity.onEvent(event),
    }),
  );
  const jobs = createJobProducer(deps.infra.queue);
  const sweeps = SWEEPS.filter((sweep) => opts.queues.includes(sweep.queue));
  // Idempotent: every process running the queue upserts the same schedules (kept in Postgres).
  for (const sweep of sweeps) {
    void sweep.schedule(jobs).catch((err: unknown) => deps.log.error({ err, schedule: sweep.id }, "could not schedule a sweep"));
  }
  // Jobs waiting in Redis when it went away may be gone with it: the records they were for are
  // in Postgres, so the sweeps find them now, on Postgres, rather than at their next run.
  const offRedis = deps.infra.onRedisChange((up) => {
    if (up) return;
    const at = Date.now();
    for (const sweep of sweeps) {
      void sweep.recover(jobs, at).catch((err: unknown) => deps.log.error({ err, sweep: sweep.id }, "could not start a recovery sweep"));
    }
  });
  deps.log.info({ queues: opts.queues }, "workers started");
  return {
    queues: opts.queues,
    async stop() {
      offRedis();
      await Promise.all(handles.map((h) => h.close()));
      activity.stop();
    },
  };
}
