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
  if (opts.queues.includes("ingestion")) {
    // Idempotent: every ingestion process upserts the same schedule.
    void createJobProducer(deps.infra.queue)
      .schedule("ingestion", "requeueWebhooks", {}, { id: "requeue-webhooks", everyMs: 60_000 })
      .catch((err: unknown) => deps.log.error({ err }, "could not schedule webhook requeueing"));
    void createJobProducer(deps.infra.queue)
      .schedule("ingestion", "resolveBacklog", {}, { id: "resolve-backlog", everyMs: 30_000 })
      .catch((err: unknown) => deps.log.error({ err }, "could not schedule the event backlog sweep"));
  }
  if (opts.queues.includes("send")) {
    void createJobProducer(deps.infra.queue)
      .schedule("send", "requeueEmails", {}, { id: "requeue-emails", everyMs: 60_000 })
      .catch((err: unknown) => deps.log.error({ err }, "could not schedule mail requeueing"));
  }
  deps.log.info({ queues: opts.queues }, "workers started");
  return {
    queues: opts.queues,
    async stop() {
      await Promise.all(handles.map((h) => h.close()));
      activity.stop();
    },
  };
}
