import type { Infra } from "~/server/infra";
import type { WorkerHandle } from "~/server/infra/queue/port";
import { type QueueName, queueContracts } from "~/server/jobs/contracts";
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

/**
 * The sweeps that find records without a job and queue them again: what makes losing a queue
 * lose nothing (each record is committed in Postgres before its job is queued). `recover` runs
 * one at once, for every record, when Redis goes away.
 */
const SWEEPS: { id: string; queue: QueueName; schedule(jobs: Jobs): Promise<void>; recover(jobs: Jobs, at: number): Promise<unknown> }[] = [
  {
    id: "requeue-webhooks",
    queue: "ingestion",
    schedule: (jobs) => jobs.schedule("ingestion", "requeueWebhooks", {}, { id: "requeue-webhooks", everyMs: 60_000 }),
    recover: (jobs, at) => jobs.enqueue("ingestion", "requeueWebhooks", { olderThanMs: 0 }, { jobId: `requeue-webhooks-recover-${at}` }),
  },
  {
    id: "resolve-backlog",
    queue: "ingestion",
    schedule: (jobs) => jobs.schedule("ingestion", "resolveBacklog", {}, { id: "resolve-backlog", everyMs: 60_000 }),
    recover: (jobs, at) => jobs.enqueue("ingestion", "resolveBacklog", { olderThanMs: 0 }, { jobId: `resolve-backlog-recover-${at}` }),
  },
  {
    id: "requeue-emails",
    queue: "send",
    schedule: (jobs) => jobs.schedule("send", "requeueEmails", {}, { id: "requeue-emails", everyMs: 60_000 }),
    recover: (jobs, at) => jobs.enqueue("send", "requeueEmails", { olderThanMs: 0 }, { jobId: `requeue-emails-recover-${at}` }),
  },
  {
    id: "resume-stalled-steps",
    queue: "sync",
    schedule: (jobs) => jobs.schedule("sync", "resumeStalledSteps", {}, { id: "resume-stalled-steps", everyMs: 5 * 60_000 }),
    // Working steps record progress every few seconds; two minutes without any means no job.
    recover: (jobs, at) => jobs.enqueue("sync", "resumeStalledSteps", { stalledForMs: 120_000 }, { jobId: `resume-stalled-steps-recover-${at}` }),
  },
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
