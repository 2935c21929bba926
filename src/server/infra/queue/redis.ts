import {
  type Job,
  type JobType,
  MetricsTime,
  Queue,
  UnrecoverableError,
  WaitingError,
  Worker,
} from "bullmq";
import type { Redis } from "ioredis";
import { isConnectionError } from "../failover";
import { createRedis, quitRedis } from "../redis";
import { assertJobId } from "./job-id";
import { countJobs, finishTimes, pageFinished } from "./redis-scan";
import {
  type EnqueueOptions,
  type JobRecord,
  type JobState,
  PermanentJobError,
  type QueuePort,
  type WorkOptions,
  type WorkerHandle,
  type JobProcessor,
} from "./port";
import { minuteBuckets } from "./series";

const KEEP_COMPLETED = { age: 24 * 3600, count: 2_000 };
const KEEP_FAILED = { age: 14 * 24 * 3600, count: 10_000 };

const STATE_TYPES: Record<JobState, JobType[]> = {
  waiting: ["waiting", "prioritized"],
  active: ["active"],
  delayed: ["delayed"],
  completed: ["completed"],
  failed: ["failed"],
};

function jobOptions(opts: EnqueueOptions | undefined) {
  assertJobId(opts?.jobId);
  return {
    jobId: opts?.jobId,
    delay: opts?.delayMs,
    attempts: opts?.attempts ?? 5,
    backoff: { type: "exponential", delay: opts?.backoffMs ?? 2_000 },
    priority: opts?.priority,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

function toRecord(job: Job): JobRecord {
  return {
    id: job.id ?? "",
    queue: job.queueName,
    name: job.name,
    data: job.data,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason || undefined,
    stacktrace: job.stacktrace ?? [],
    createdAt: job.timestamp,
    processedAt: job.processedOn ?? undefined,
    finishedAt: job.finishedOn ?? undefined,
  };
}

/**
 * BullMQ writes a minute's count to its metrics list lazily, when the first job of a later minute
 * completes; the jobs since then are `count - prevCount`, all in the minute of `prevTS`. Rebuild
 * the series as of now: oldest first, the current minute last.
 */
export function perMinuteSeries(
  metrics: { meta: { count: number; prevTS: number; prevCount: number }; data: number[] },
  minutes: number,
  now = Date.now(),
): number[] {
  if (!metrics.meta.prevTS) return new Array<number>(minutes).fill(0);
  const gap = Math.max(0, Math.floor(now / 60_000) - Math.floor(metrics.meta.prevTS / 60_000));
  const pending = metrics.meta.count - metrics.meta.prevCount;
  const newestFirst = [...new Array<number>(gap).fill(0), pending, ...metrics.data].slice(0, minutes);
  while (newestFirst.length < minutes) newestFirst.push(0);
  return newestFirst.reverse();
}

/** BullMQ on Redis. Producers share one fail-fast connection; each worker gets its own blocking one. */
export function createRedisQueue(options: { url: string; prefix: string; connection?: Redis }): QueuePort {
  const connection = options.connection ?? createRedis(options.url, "command", `${options.prefix}:producer`);
  const ownsConnection = !options.connection;
  const queues = new Map<string, Queue>();
  const workers = new Set<WorkerHandle>();

  function queueOf(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix: options.prefix });
      queue.on("error", () => {}); // surfaced through the failing call instead
      queues.set(name, queue);
    }
    return queue;
  }

  function work(queueName: string, processor: JobProcessor, opts: WorkOptions): WorkerHandle {
    const blocking = createRedis(options.url, "blocking", `${options.prefix}:worker:${queueName}`);
    const running = new Map<string, AbortController>();
    let closing = false;

    const worker = new Worker(
      queueName,
      async (job, token) => {
        const id = job.id ?? "";
        const controller = new AbortController();
        running.set(id, controller);
        opts.onEvent?.({ type: "active", queue: queueName, jobId: id });
        const log = opts.log.child({ queue: queueName, job: job.name, jobId: id });
        const aborted = new Promise<never>((_, reject) => {
          controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
        });
        try {
          return await Promise.race([
            processor(
              { id, name: job.name, data: job.data, attemptsMade: job.attemptsMade },
              { jobId: id, attempt: job.attemptsMade + 1, signal: controller.signal, log },
            ),
            aborted,
          ]);
        } catch (err) {
          if (closing && controller.signal.aborted) {
            // Hand the job back so another worker takes it now rather than after the stall timeout.
            await job.moveToWait(token);
            opts.onEvent?.({ type: "released", queue: queueName, jobId: id });
            log.warn("released active job on shutdown");
            throw new WaitingError();
          }
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        } finally {
          running.delete(id);
        }
      },
      {
        connection: blocking,
        prefix: options.prefix,
        concurrency: opts.concurrency,
        ...(opts.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {}),
        // A job whose worker died is taken over, not failed: long sync steps resume where they were.
        maxStalledCount: 10,
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    );

    worker.on("completed", (job) => {
      const durationMs = (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now());
      opts.onEvent?.({ type: "completed", queue: queueName, jobId: job.id ?? "", durationMs });
    });
    worker.on("failed", (job, err) => {
      if (!job || err instanceof WaitingError || err.name === "WaitingError") return;
      const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      // A failure that will be retried is a warning (a passing condition); only the last one is an error.
      if (final) opts.log.error({ queue: queueName, job: job.name, jobId: job.id, err, final }, "job failed");
      else opts.log.warn({ queue: queueName, job: job.name, jobId: job.id, attempt: job.attemptsMade, of: job.opts.attempts, err }, "job attempt failed; it will be retried");
      opts.onEvent?.({ type: "failed", queue: queueName, jobId: job.id ?? "", error: err.message, final });
    });
    // While Redis is away the worker retries its connection every few seconds; one line says so, not one per try.
    let away = false;
    worker.on("error", (err) => {
      // A job that was active when Redis went away and came back empty: its work is done (committed in
      // Postgres), only Redis's record of it is gone.
      if (/Missing key for job/.test(err.message)) return opts.log.warn({ queue: queueName, err: err.message }, "a job finished after Redis lost its record (restarted empty)");
      if (!isConnectionError(err)) return opts.log.error({ queue: queueName, err }, "worker error");
      if (!away) opts.log.warn({ queue: queueName, err: err.message }, "worker lost Redis; it reconnects by itself");
      away = true;
    });
    blocking.on("ready", () => (away = false));

    const handle: WorkerHandle = {
      async close() {
        if (closing) return;
        closing = true;
        const timer = setTimeout(() => {
          for (const controller of running.values()) controller.abort(new Error("worker shutting down"));
        }, opts.graceMs);
        try {
          // While Redis is away a graceful close would wait for it forever: the active jobs' work is in
          // Postgres and their records are swept back, so the worker stops at once.
          await worker.close(blocking.status !== "ready");
        } finally {
          clearTimeout(timer);
          await quitRedis(blocking);
          workers.delete(handle);
        }
      },
    };
    workers.add(handle);
    return handle;
  }

  return {
    backend: "redis",
    async add(queue, name, data, opts) {
      const job = await queueOf(queue).add(name, data, jobOptions(opts));
      return job.id ?? "";
    },
    async addBulk(queue, jobs) {
      const added = await queueOf(queue).addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: jobOptions(j.opts) })));
      return added.map((j) => j.id ?? "");
    },
    work,
    async counts(queue, filter) {
      const { counts, capped, lastFailedAt } = await countJobs(connection, queueOf(queue), filter);
      return { ...counts, capped, lastFailedAt };
    },
    isPaused: (queue) => queueOf(queue).isPaused(),
    async listJobs(queue, state, start, end) {
      const jobs = await queueOf(queue).getJobs(STATE_TYPES[state], start, end, false);
      return jobs.filter(Boolean).map(toRecord);
    },
    async getJob(queue, id) {
      const job = await queueOf(queue).getJob(id);
      return job ? toRecord(job) : null;
    },
    pageFinished: (queue, state, opts) => pageFinished(connection, queueOf(queue), state, opts),
    async retry(queue, id) {
      const job = await queueOf(queue).getJob(id);
      if (!job) throw new Error(`Job ${id} not found in ${queue}`);
      await job.retry("failed");
    },
    async remove(queue, id) {
      await queueOf(queue).remove(id);
    },
    pause: (queue) => queueOf(queue).pause(),
    resume: (queue) => queueOf(queue).resume(),
    async throughput(queue, minutes, filter) {
      const q = queueOf(queue);
      if (filter) {
        const now = Date.now();
        const sinceMs = (Math.floor(now / 60_000) - minutes + 1) * 60_000;
        const [completed, failed] = await Promise.all([finishTimes(connection, q, "completed", { filter, sinceMs }), finishTimes(connection, q, "failed", { filter, sinceMs })]);
        return { completed: minuteBuckets(completed, minutes, now), failed: minuteBuckets(failed, minutes, now) };
      }
      const [completed, failed] = await Promise.all([q.getMetrics("completed", 0, minutes), q.getMetrics("failed", 0, minutes)]);
      return { completed: perMinuteSeries(completed, minutes), failed: perMinuteSeries(failed, minutes) };
    },
    async schedule(queue, id, job) {
      assertJobId(id);
      const { jobId: _ignored, delay: _delay, ...opts } = jobOptions(undefined);
      await queueOf(queue).upsertJobScheduler(id, { every: job.everyMs }, { name: job.name, data: job.data, opts });
    },
    async unschedule(queue, id) {
      await queueOf(queue).removeJobScheduler(id);
    },
    async schedules(queue) {
      const found = await queueOf(queue).getJobSchedulers();
      return found.map((s) => ({ id: s.key, name: s.name, everyMs: Number(s.every ?? 0) }));
    },
    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      if (ownsConnection) await quitRedis(connection);
    },
  };
}
