import { createHash, randomUUID } from "node:crypto";
import { type Job, PgBoss } from "pg-boss";
import { type EnqueueOptions, type JobProcessor, PermanentJobError, type QueuePort, type WorkerHandle, type WorkOptions } from "./port";
import { assertJobId } from "./job-id";
import { createQueueReads, type SqlRunner } from "./postgres-read";

/** pg-boss's schema; one per database, shared by every prefix (queue names carry the prefix). */
const SCHEMA = "pgboss";
/** Finished jobs kept as the Redis adapter keeps them: completed a day, failed two weeks. */
const KEEP_COMPLETED_S = 24 * 3600;
const KEEP_FAILED_S = 14 * 24 * 3600;
/** A worker proves it is alive this often; a job whose worker died is retried after HEARTBEAT_S without one. */
const HEARTBEAT_S = 30;
const TOUCH_EVERY_MS = 10_000;
/** No upper bound on a job's run time short of a day (history sync steps run long); liveness is the heartbeat's job. */
const EXPIRE_S = 24 * 3600;

/** The envelope stored as pg-boss's `data`: our job name, its payload and the caller's id. */
interface Envelope {
  name: string;
  data: unknown;
  /** The caller's job id; a job sent by a schedule has none (its pg-boss id stands for it). */
  key?: string;
  /** On schedules: the period asked for (cron keeps minutes). */
  everyMs?: number;
}

/** A caller's job id → the uuid pg-boss keys the job by, so a second add with the same id is the same job. */
export function pgJobId(queueName: string, key: string): string {
  const h = createHash("sha1").update(`${queueName}\u0000${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** pg-boss schedules are cron (minute resolution): a period below a minute runs every minute. */
export function cronEvery(everyMs: number): string {
  const minutes = Math.max(1, Math.round(everyMs / 60_000));
  if (minutes < 60) return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  const hours = Math.max(1, Math.round(minutes / 60));
  return hours < 24 ? `0 */${hours} * * *` : "0 0 * * *";
}

function sendOptions(opts: EnqueueOptions | undefined) {
  const attempts = opts?.attempts ?? 5;
  return {
    retryLimit: Math.max(0, attempts - 1),
    retryDelay: Math.max(1, Math.round((opts?.backoffMs ?? 2_000) / 1000)),
    retryBackoff: true,
    // BullMQ runs the lowest number first and unprioritised jobs before any prioritised one.
    priority: opts?.priority ? -opts.priority : 0,
    startAfter: opts?.delayMs ? new Date(Date.now() + opts.delayMs) : undefined,
  };
}

/**
 * pg-boss on Postgres. Producers send through pg-boss; each `work()` runs our own fetch loop
 * (batched fetches up to the free concurrency, completions gathered per tick) so every job is
 * settled on its own — retried, failed for good, or handed back on shutdown — as the Redis adapter
 * does. Pause state lives in `queue_pause` (pg-boss has none). An add in this process wakes its
 * idle workers at once; other processes' adds are found within `pollMs`.
 */
export function createPostgresQueue(options: { url: string; prefix: string; pollMs?: number; max?: number; onError?: (err: unknown) => void }): QueuePort {
  const pollMs = options.pollMs ?? 500;
  const boss = new PgBoss({
    connectionString: options.url,
    schema: SCHEMA,
    max: options.max ?? 4,
    application_name: `${process.env.BRANDBASE_SERVICE ?? "brandbase"}:queue`,
    // Maintenance and cron are advisory-locked inside pg-boss: every process may run them.
    superviseIntervalSeconds: 30,
    persistWarnings: false,
  });
  boss.on("error", (err: unknown) => options.onError?.(err));
  let started: Promise<unknown> | undefined;
  const ready = () => (started ??= boss.start());
  const db: SqlRunner = { executeSql: (text, values) => ready().then(() => boss.getDb().executeSql(text, values)) };
  const reads = createQueueReads(db, `${SCHEMA}.job`);
  const created = new Map<string, Promise<void>>();
  const wakers = new Map<string, Set<() => void>>();
  const workers = new Set<WorkerHandle>();

  const nameOf = (queue: string) => `${options.prefix}.${queue}`;
  const idsOf = (queue: string, id: string) => [pgJobId(nameOf(queue), id), ...(UUID.test(id) ? [id] : [])];

  async function ensureQueue(queue: string): Promise<string> {
    const name = nameOf(queue);
    let done = created.get(name);
    if (!done) {
      done = ready()
        .then(() => boss.createQueue(name, { expireInSeconds: EXPIRE_S, deleteAfterSeconds: KEEP_COMPLETED_S, retentionSeconds: KEEP_FAILED_S, heartbeatSeconds: HEARTBEAT_S }))
        .catch((err: unknown) => {
          created.delete(name);
          throw err;
        });
      created.set(name, done);
    }
    await done;
    return name;
  }

  const wake = (queue: string) => wakers.get(queue)?.forEach((w) => w());

  async function findPgId(queue: string, id: string): Promise<string> {
    const name = await ensureQueue(queue);
    const { rows } = await db.executeSql(`select id from ${SCHEMA}.job where name = $1 and id = any($2::uuid[]) limit 1`, [name, idsOf(queue, id)]);
    if (!rows[0]) throw new Error(`Job ${id} not found in ${queue}`);
    return String(rows[0].id);
  }

  /** Pause state as last read, per queue: read again at most every pollMs, set at once by this process's pause/resume. */
  const pauseState = new Map<string, { paused: boolean; at: number }>();
  async function paused(queue: string, maxAgeMs = 0): Promise<boolean> {
    const known = pauseState.get(queue);
    if (known && Date.now() - known.at <= maxAgeMs) return known.paused;
    const { rows } = await db.executeSql("select 1 from queue_pause where queue = $1", [nameOf(queue)]);
    pauseState.set(queue, { paused: rows.length > 0, at: Date.now() });
    return rows.length > 0;
  }

  function work(queue: string, processor: JobProcessor, opts: WorkOptions): WorkerHandle {
    const running = new Map<string, { job: Job<Envelope>; controller: AbortController; done: Promise<void> }>();
    /** Completions and failures being written: a job's slot is free as soon as its handler returns. */
    const writes = new Set<Promise<void>>();
    let closing = false;
    let nudge: (() => void) | undefined;
    const wakeLoop = () => nudge?.();
    const idle = (waitMs: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        nudge = () => {
          clearTimeout(timer);
          nudge = undefined;
          resolve();
        };
      });
    let set = wakers.get(queue);
    if (!set) wakers.set(queue, (set = new Set()));
    set.add(wakeLoop);
    const completions = createCompleter(boss, () => nameOf(queue), (err) => opts.log.error({ queue, err }, "could not record completed jobs"));

    function track(write: Promise<void>): void {
      const tracked = write.catch((err: unknown) => opts.log.error({ queue, err }, "could not settle a job")).finally(() => writes.delete(tracked));
      writes.add(tracked);
    }

    /** Records a failure: retried, or failed for good (a PermanentJobError, or the last attempt). */
    async function recordFailure(job: Job<Envelope>, id: string, err: unknown): Promise<void> {
      const name = nameOf(queue);
      const error = err instanceof Error ? err : new Error(String(err));
      if (err instanceof PermanentJobError) await db.executeSql(`update ${SCHEMA}.job set retry_limit = retry_count where name = $1 and id = $2`, [name, job.id]);
      await boss.fail(name, { id: job.id, retryCount: job.retryCount }, { message: error.message, stack: error.stack ?? error.message });
      const { rows } = await db.executeSql(`update ${SCHEMA}.job set deletion_seconds = $3 where name = $1 and id = $2 and state = 'failed' returning id`, [name, job.id, KEEP_FAILED_S]);
      const final = rows.length > 0;
      if (final) opts.log.error({ queue, job: job.data.name, jobId: id, err: error, final }, "job failed");
      else opts.log.warn({ queue, job: job.data.name, jobId: id, attempt: job.retryCount + 1, err: error }, "job attempt failed; it will be retried");
      opts.onEvent?.({ type: "failed", queue, jobId: id, error: error.message, final });
    }

    /** Runs the handler; resolves when it is done (the slot is free), the outcome still being written. */
    async function run(job: Job<Envelope>, controller: AbortController): Promise<void> {
      const id = job.data.key ?? job.id;
      let child: WorkOptions["log"] | undefined;
      const ctx = {
        jobId: id,
        attempt: job.retryCount + 1,
        signal: controller.signal,
        get log() {
          return (child ??= opts.log.child({ queue, job: job.data.name, jobId: id }));
        },
      };
      opts.onEvent?.({ type: "active", queue, jobId: id });
      const startedAt = Date.now();
      const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }));
      const attempt = { id: job.id, retryCount: job.retryCount };
      try {
        await Promise.race([processor({ id, name: job.data.name, data: job.data.data, attemptsMade: job.retryCount }, ctx), aborted]);
        track(completions.add(attempt).then(() => opts.onEvent?.({ type: "completed", queue, jobId: id, durationMs: Date.now() - startedAt })));
      } catch (err) {
        if (closing && controller.signal.aborted) {
          // Hand the job back so another worker takes it now rather than after the heartbeat lapses.
          await handBack(nameOf(queue), attempt);
          opts.onEvent?.({ type: "released", queue, jobId: id });
          ctx.log.warn("released active job on shutdown");
          return;
        }
        track(recordFailure(job, id, err));
      }
    }

    async function handBack(name: string, attempt: { id: string; retryCount: number }): Promise<void> {
      await boss.cancel(name, attempt);
      await boss.resume(name, attempt.id);
    }

    const heartbeat = setInterval(() => {
      const attempts = [...running.values()].map(({ job }) => ({ id: job.id, retryCount: job.retryCount }));
      if (attempts.length) boss.touch(nameOf(queue), attempts).catch((err: unknown) => opts.log.warn({ queue, err }, "could not renew job heartbeats"));
    }, TOUCH_EVERY_MS);
    heartbeat.unref();

    const loop = (async () => {
      const name = await ensureQueue(queue).catch((err: unknown) => (opts.log.error({ queue, err }, "could not create the queue"), undefined));
      while (!closing && name) {
        const free = opts.concurrency - running.size;
        if (free <= 0) {
          await idle(pollMs);
          continue;
        }
        let jobs: Job<Envelope>[] = [];
        try {
          if (!(await paused(queue, pollMs))) jobs = await boss.fetch<Envelope>(name, { batchSize: free });
        } catch (err) {
          opts.log.warn({ queue, err }, "could not fetch jobs; retrying");
          await idle(pollMs * 4);
          continue;
        }
        if (closing) {
          // Fetched while closing: hand them straight back.
          for (const job of jobs) await handBack(name, { id: job.id, retryCount: job.retryCount });
          break;
        }
        for (const job of jobs) {
          const entry = { job, controller: new AbortController(), done: Promise.resolve() };
          running.set(job.id, entry);
          entry.done = run(job, entry.controller)
            .catch((err: unknown) => opts.log.error({ queue, err }, "could not settle a job"))
            .finally(() => {
              running.delete(job.id);
              wakeLoop();
            });
        }
        if (jobs.length < free) await idle(pollMs);
      }
    })();

    const handle: WorkerHandle = {
      async close() {
        if (closing) return;
        closing = true;
        wakeLoop();
        await loop;
        const timer = setTimeout(() => {
          for (const { controller } of running.values()) controller.abort(new Error("worker shutting down"));
        }, opts.graceMs);
        await Promise.all([...running.values()].map((r) => r.done));
        clearTimeout(timer);
        await Promise.all(writes);
        clearInterval(heartbeat);
        set.delete(wakeLoop);
        workers.delete(handle);
      },
    };
    workers.add(handle);
    return handle;
  }

  return {
    backend: "postgres",
    async add(queue, name, data, opts) {
      assertJobId(opts?.jobId);
      const key = opts?.jobId ?? randomUUID();
      const pgName = await ensureQueue(queue);
      await boss.send(pgName, { name, data, key } satisfies Envelope, { ...sendOptions(opts), id: pgJobId(pgName, key) });
      wake(queue);
      return key;
    },
    async addBulk(queue, jobs) {
      for (const j of jobs) assertJobId(j.opts?.jobId);
      const pgName = await ensureQueue(queue);
      const keys = jobs.map((j) => j.opts?.jobId ?? randomUUID());
      await boss.insert(pgName, jobs.map((j, i) => ({ ...sendOptions(j.opts), id: pgJobId(pgName, keys[i]!), data: { name: j.name, data: j.data, key: keys[i]! } })));
      wake(queue);
      return keys;
    },
    work,
    async counts(queue, filter) {
      return reads.counts(await ensureQueue(queue), filter);
    },
    async isPaused(queue) {
      return paused(queue);
    },
    async listJobs(queue, state, start, end) {
      return reads.list(queue, await ensureQueue(queue), state, start, end);
    },
    async getJob(queue, id) {
      return reads.get(queue, await ensureQueue(queue), idsOf(queue, id));
    },
    async pageFinished(queue, state, opts) {
      return reads.pageFinished(queue, await ensureQueue(queue), state, opts);
    },
    async retry(queue, id) {
      await boss.retry(nameOf(queue), await findPgId(queue, id));
      wake(queue);
    },
    async remove(queue, id) {
      const pgId = await findPgId(queue, id).catch(() => undefined);
      if (pgId) await boss.deleteJob(nameOf(queue), pgId);
    },
    async pause(queue) {
      await db.executeSql("insert into queue_pause (queue) values ($1) on conflict do nothing", [nameOf(queue)]);
      pauseState.set(queue, { paused: true, at: Date.now() });
    },
    async resume(queue) {
      await db.executeSql("delete from queue_pause where queue = $1", [nameOf(queue)]);
      pauseState.set(queue, { paused: false, at: Date.now() });
      wake(queue);
    },
    async throughput(queue, minutes, filter) {
      return reads.throughput(await ensureQueue(queue), minutes, filter);
    },
    async schedule(queue, id, job) {
      assertJobId(id);
      const pgName = await ensureQueue(queue);
      // pg-boss keys the schedule by `id`; each job it sends gets an id of its own.
      const envelope: Envelope = { name: job.name, data: job.data, everyMs: job.everyMs };
      await boss.schedule(pgName, cronEvery(job.everyMs), envelope as object, { key: id, ...sendOptions(undefined) });
    },
    async unschedule(queue, id) {
      await boss.unschedule(await ensureQueue(queue), id);
    },
    async schedules(queue) {
      const found = await boss.getSchedules(await ensureQueue(queue));
      return found.map((s) => {
        const envelope = (s.data ?? {}) as Partial<Envelope>;
        return { id: s.key, name: envelope.name ?? "", everyMs: envelope.everyMs ?? 0 };
      });
    },
    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      if (started) await boss.stop({ graceful: false, close: true, timeout: 5_000 }).catch(() => {});
    },
  };
}

/** Gathers completions per tick into one call (a batch of jobs finishing together is one round trip). */
function createCompleter(boss: PgBoss, name: () => string, onError: (err: unknown) => void) {
  let pending: { attempts: { id: string; retryCount: number }[]; done: Promise<void> } | undefined;
  return {
    add(attempt: { id: string; retryCount: number }): Promise<void> {
      if (!pending) {
        const batch = { attempts: [] as { id: string; retryCount: number }[], done: Promise.resolve() };
        batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
          if (pending === batch) pending = undefined;
          await boss.complete(name(), batch.attempts).then(() => undefined, onError);
        });
        pending = batch;
      }
      pending.attempts.push(attempt);
      return pending.done;
    },
  };
}
