/**
 * Queue throughput and failover, in one run:
 *
 * - Postgres: N no-op jobs through our typed layer (contract-validated enqueueMany → pg-boss
 *   adapter → typed processor) versus pg-boss used raw (`boss.insert`, then `boss.work` with a
 *   batch handler that does nothing), the raw side on the settings that make pg-boss fastest here
 *   and our worker given the same number of jobs in flight (batch size × local workers) and the
 *   same connection pool. Goals: ours ≥ 5,000 jobs/s and ≥ 0.8 of raw.
 * - Redis: the same through the BullMQ adapter versus raw BullMQ with the same job options.
 * - Failover: a Redis of the run's own under load (a job added through `createInfra`'s queue every
 *   few ms, `infra.queue.work` running on both backends), killed with SIGKILL; `failover_s` is the
 *   time from the kill to the first completion of a job whose add began after the kill (one that
 *   can only have run on Postgres: the Redis is gone). Producer and worker share this process, so
 *   the add wakes the Postgres worker at once; an add from another process would wait for the
 *   worker's next poll (pollMs, 500 ms) on top. Nothing is restarted; `close_s` says how long each
 *   close took with Redis still gone (capped at 5 s each).
 *
 * Each throughput side enqueues everything, then one worker drains it; we time the drain (until
 * the last job's completion is recorded in the database). Each side runs twice, raw and ours
 * alternating, and keeps its best. Everything Postgres happens in a database of the run's own
 * (bench/lib/bench-database.ts: pg-boss creates its schema there), dropped at the end.
 * `--backend` picks which backend's figures also go under the unprefixed `jobs_per_s`,
 * `raw_jobs_per_s` and `ratio` (default redis, as before); every figure is measured either way.
 * Prints one JSON line; progress goes to stderr.
 *
 *   npm run bench -- queue [--backend redis|postgres] [--jobs 50000] [--redis-jobs 100000]
 *     [--concurrency 100] [--pg-batch 1000] [--pg-workers 2] [--pg-pool 4] [--only postgres,redis,failover]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { PgBoss } from "pg-boss";
import postgres from "postgres";
import { createInfra } from "../src/server/infra";
import { createPostgresQueue } from "../src/server/infra/queue/postgres";
import { createRedisQueue } from "../src/server/infra/queue/redis";
import { createRedis, quitRedis } from "../src/server/infra/redis";
import { createJobProducer, createQueueProcessor } from "../src/server/jobs/queue";
import { getLogger } from "../src/server/logger";
import { openBenchDatabase } from "./lib/bench-database";
import { freePort } from "./lib/emulator-process";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "redis" },
    jobs: { type: "string", default: "50000" },
    "redis-jobs": { type: "string", default: "100000" },
    concurrency: { type: "string", default: "100" },
    batch: { type: "string", default: "1000" },
    "pg-batch": { type: "string", default: "1000" },
    "pg-workers": { type: "string", default: "2" },
    "pg-pool": { type: "string", default: "4" },
    "failover-every-ms": { type: "string", default: "5" },
    only: { type: "string", default: "postgres,redis,failover" },
  },
});
const headline = values.backend;
if (headline !== "redis" && headline !== "postgres") throw new Error(`--backend must be redis or postgres, not ${headline}`);
const only = new Set(values.only.split(","));
const PG_N = Number(values.jobs);
const REDIS_N = Number(values["redis-jobs"]);
const redisConcurrency = Number(values.concurrency);
const enqueueBatch = Number(values.batch);
const pgBatch = Number(values["pg-batch"]);
const pgWorkers = Number(values["pg-workers"]);
const pgPool = Number(values["pg-pool"]);
// Our worker fetches up to its free concurrency at once: as many in flight as pg-boss's workers hold.
const pgConcurrency = pgBatch * pgWorkers;
const failoverEveryMs = Number(values["failover-every-ms"]);
const brandId = randomUUID();
const say = (msg: string) => console.error(`bench queue: ${msg}`);
const round2 = (s: number) => Number(s.toFixed(2));

interface Run {
  enqueueS: number;
  drainS: number;
}
const best = (runs: Run[]) => runs.reduce((a, b) => (b.drainS < a.drainS ? b : a));

// Logs go to stdout, and the failover part logs Redis going away: keep stdout for the result line.
const database = await openBenchDatabase({ label: "queue", env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" } });
const databaseUrl = database.dbUrl;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const log = getLogger();
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });

// ───────────────────────────── Postgres ─────────────────────────────

/** The same job options our adapter gives an add without options (5 attempts, 2 s exponential backoff). */
const pgSendOptions = { retryLimit: 4, retryDelay: 2, retryBackoff: true, priority: 0 };
/** The same queue options our adapter creates its queues with. */
const pgQueueOptions = { expireInSeconds: 24 * 3600, deleteAfterSeconds: 24 * 3600, retentionSeconds: 14 * 24 * 3600, heartbeatSeconds: 30 };

/** A queue's jobs and its row gone, and the job table vacuumed, so the next run starts as the first did. */
async function dropPgQueue(boss: PgBoss, name: string) {
  await boss.deleteQueue(name);
  await sql.unsafe("vacuum analyze pgboss.job");
}

async function pgOurs(): Promise<Run> {
  const prefix = `bench-ours-${randomUUID().slice(0, 6)}`;
  const port = createPostgresQueue({ url: databaseUrl, prefix, max: pgPool });
  const jobs = createJobProducer(port);
  const t = performance.now();
  for (let i = 0; i < PG_N; i += enqueueBatch) {
    const size = Math.min(enqueueBatch, PG_N - i);
    await jobs.enqueueMany("analysis", "probe", Array.from({ length: size }, (_, k) => ({ payload: { brandId, probeId: `p${i + k}` } })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  const drainS = await drainOurs(port, PG_N, pgConcurrency);
  await port.close();
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", max: 1, supervise: false, schedule: false });
  await boss.start();
  await dropPgQueue(boss, `${prefix}.analysis`);
  await boss.stop({ graceful: false, close: true });
  return { enqueueS, drainS };
}

async function pgRaw(): Promise<Run> {
  const name = `bench-raw-${randomUUID().slice(0, 6)}.analysis`;
  // As our adapter builds its instance, with the same pool.
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", max: pgPool, superviseIntervalSeconds: 30, persistWarnings: false });
  boss.on("error", (err: unknown) => say(`pg-boss error: ${String(err)}`));
  await boss.start();
  await boss.createQueue(name, pgQueueOptions);
  let t = performance.now();
  for (let i = 0; i < PG_N; i += enqueueBatch) {
    const size = Math.min(enqueueBatch, PG_N - i);
    await boss.insert(name, Array.from({ length: size }, (_, k) => ({ ...pgSendOptions, data: { name: "probe", data: { brandId, probeId: `p${i + k}` } } })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  let handled = 0;
  let allHandled!: () => void;
  const handledAll = new Promise<void>((r) => (allHandled = r));
  t = performance.now();
  await boss.work(
    name,
    { batchSize: pgBatch, localConcurrency: pgWorkers, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 },
    async (batch: unknown[]) => {
      handled += batch.length;
      if (handled >= PG_N) allHandled();
    },
  );
  // The handler returning is not the job completed: pg-boss completes the batch after. Done is
  // when no job of the queue is left unfinished (a handful of index probes once the handler saw all).
  await handledAll;
  while ((await sql`select exists (select 1 from pgboss.job where name = ${name} and state < 'completed') as left`)[0]!.left) await new Promise((r) => setTimeout(r, 1));
  const drainS = (performance.now() - t) / 1000;
  await boss.offWork(name, { wait: true });
  await dropPgQueue(boss, name);
  await boss.stop({ graceful: false, close: true });
  return { enqueueS, drainS };
}

/** One worker of ours on `port`'s "analysis" queue until `n` jobs completed; seconds. */
async function drainOurs(port: ReturnType<typeof createPostgresQueue>, n: number, concurrency: number): Promise<number> {
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const t = performance.now();
  const worker = port.work("analysis", createQueueProcessor("analysis", { probe: async () => undefined }), {
    concurrency,
    graceMs: 5_000,
    log,
    onEvent: (e) => {
      if (e.type === "completed" && ++done === n) resolve();
    },
  });
  await finished;
  const drainS = (performance.now() - t) / 1000;
  await worker.close();
  return drainS;
}

// ───────────────────────────── Redis ─────────────────────────────

// Same retention as the adapter, so both sides do the same Redis work per job.
const bullJobOpts = { attempts: 5, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: { age: 24 * 3600, count: 2_000 }, removeOnFail: { age: 14 * 24 * 3600, count: 10_000 } };

async function redisCleanup(prefix: string, queue: string) {
  const redis = createRedis(redisUrl, "command");
  const q = new Queue(queue, { connection: redis, prefix });
  await q.obliterate({ force: true });
  await q.close();
  await quitRedis(redis);
}

async function redisOurs(): Promise<Run> {
  const prefix = `bench-ours-${randomUUID().slice(0, 6)}`;
  const port = createRedisQueue({ url: redisUrl, prefix });
  const jobs = createJobProducer(port);
  const t = performance.now();
  for (let i = 0; i < REDIS_N; i += enqueueBatch) {
    const size = Math.min(enqueueBatch, REDIS_N - i);
    await jobs.enqueueMany("analysis", "probe", Array.from({ length: size }, (_, k) => ({ payload: { brandId, probeId: `p${i + k}` } })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  const drainS = await drainOurs(port, REDIS_N, redisConcurrency);
  await port.close();
  await redisCleanup(prefix, "analysis");
  return { enqueueS, drainS };
}

async function redisRaw(): Promise<Run> {
  const prefix = `bench-raw-${randomUUID().slice(0, 6)}`;
  const producer = createRedis(redisUrl, "command");
  const queue = new Queue("analysis", { connection: producer, prefix });
  let t = performance.now();
  for (let i = 0; i < REDIS_N; i += enqueueBatch) {
    const size = Math.min(enqueueBatch, REDIS_N - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: "probe", data: { brandId, probeId: `p${i + k}`, durationMs: 0, fail: false }, opts: bullJobOpts })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const blocking = createRedis(redisUrl, "blocking");
  t = performance.now();
  const worker = new Worker("analysis", async () => undefined, { connection: blocking, prefix, concurrency: redisConcurrency });
  worker.on("completed", () => {
    if (++done === REDIS_N) resolve();
  });
  await finished;
  const drainS = (performance.now() - t) / 1000;
  await worker.close();
  await queue.close();
  await quitRedis(blocking);
  await quitRedis(producer);
  await redisCleanup(prefix, "analysis");
  return { enqueueS, drainS };
}

// ───────────────────────────── Failover ─────────────────────────────

/** A redis-server of the run's own on a free port, without persistence; ready when it says so. */
async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
  process.on("exit", () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("Ready to accept connections") && resolve());
    child.on("exit", (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  child.stdout!.resume();
  return { url: `redis://127.0.0.1:${port}`, child };
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);

async function failover() {
  const redis = await startRedis();
  const prefix = `bench-failover-${randomUUID().slice(0, 6)}`;
  const infra = createInfra({ redisUrl: redis.url, databaseUrl, prefix });
  const t0 = performance.now();
  while (infra.mode() !== "redis") {
    if (performance.now() - t0 > 10_000) throw new Error("the infra's Redis connection never became ready");
    await new Promise((r) => setTimeout(r, 10));
  }
  // Every job is named by its sequence number: the ones whose add began after the kill are > kill.seq.
  const kill: { at?: number; seq: number } = { seq: Infinity };
  let seq = 0;
  let linkDownAt: number | undefined;
  infra.onRedisChange((up) => {
    if (!up && kill.at !== undefined) linkDownAt ??= performance.now();
  });
  let completedBeforeKill = 0;
  let completedAfterKill = 0;
  let firstAfterKill: { at: number; seq: number } | undefined;
  let firstPgAddAt: number | undefined;
  let addErrors = 0;
  let resolveFirst!: () => void;
  const first = new Promise<void>((r) => (resolveFirst = r));
  const worker = infra.queue.work("analysis", createQueueProcessor("analysis", { probe: async () => undefined }), {
    concurrency: redisConcurrency,
    graceMs: 2_000,
    log,
    onEvent: (e) => {
      if (e.type !== "completed") return;
      const n = Number(e.jobId.slice(2));
      if (kill.at === undefined) completedBeforeKill++;
      else completedAfterKill++;
      if (n > kill.seq && !firstAfterKill) {
        firstAfterKill = { at: performance.now(), seq: n };
        resolveFirst();
      }
    },
  });
  const producer = createJobProducer(infra.queue);
  const pending = new Set<Promise<unknown>>();
  const load = setInterval(() => {
    const n = ++seq;
    const afterKill = kill.at !== undefined;
    const add = producer
      .enqueue("analysis", "probe", { brandId, probeId: `f${n}` }, { jobId: `f-${n}` })
      .then(
        () => {
          if (afterKill) firstPgAddAt ??= performance.now();
        },
        () => addErrors++,
      )
      .finally(() => pending.delete(add));
    pending.add(add);
  }, failoverEveryMs);
  // Load on Redis for a while, then the kill.
  await new Promise((r) => setTimeout(r, 3_000));
  const loadBefore = { added: seq, completed: completedBeforeKill };
  kill.seq = seq;
  kill.at = performance.now();
  redis.child.kill("SIGKILL");
  say("failover: Redis killed");
  let failoverS: number | null = null;
  try {
    await withTimeout(first, 60_000, "first job added after the kill");
    failoverS = (firstAfterKill!.at - kill.at) / 1000;
  } catch (err) {
    say(String(err));
  }
  // Some more load on Postgres alone, to see it carries on.
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(load);
  const stuck = await withTimeout(Promise.all(pending), 10_000, "adds in flight").then(
    () => 0,
    () => pending.size,
  );
  // Each close on its own clock: one that hangs with Redis gone is a finding, not a stuck bench.
  const closeWithin = async (what: string, close: () => Promise<void>) => {
    const t = performance.now();
    return withTimeout(close(), 5_000, what).then(
      () => round2((performance.now() - t) / 1000),
      (err: unknown) => (say(String(err)), "timed out after 5 s"),
    );
  };
  const closeS = { worker: await closeWithin("worker.close()", () => worker.close()), infra: await closeWithin("infra.close()", () => infra.close()) };
  if (redis.child.exitCode === null && redis.child.signalCode === null) redis.child.kill("SIGKILL");
  const since = (at: number | undefined) => (at === undefined ? null : Number(((at - kill.at!) / 1000).toFixed(3)));
  return {
    failover_s: failoverS === null ? null : Number(failoverS.toFixed(3)),
    failover_detail: {
      definition: "SIGKILL of the run's own redis-server under load → first 'completed' event of a job whose add began after the kill (it can only run on Postgres); producer and worker in one process",
      add_every_ms: failoverEveryMs,
      added_before_kill: loadBefore.added,
      completed_before_kill: loadBefore.completed,
      link_down_s: since(linkDownAt),
      first_add_after_kill_s: since(firstPgAddAt),
      added_after_kill: seq - kill.seq,
      completed_after_kill: completedAfterKill,
      add_errors: addErrors,
      adds_stuck: stuck,
      close_s: closeS,
    },
  };
}

// ───────────────────────────── The run ─────────────────────────────

const result: Record<string, unknown> = { bench: "queue", backend: headline };
try {
  if (only.has("postgres")) {
    // Raw first and ours second, then both again, keeping each side's best: warm-up and noise hit both alike.
    const raws: Run[] = [];
    const ours: Run[] = [];
    for (let i = 0; i < 2; i++) {
      raws.push(await pgRaw());
      say(`postgres raw: ${raws.at(-1)!.drainS.toFixed(2)} s`);
      ours.push(await pgOurs());
      say(`postgres ours: ${ours.at(-1)!.drainS.toFixed(2)} s`);
    }
    const o = best(ours);
    const r = best(raws);
    const jobsPerS = Math.round(PG_N / o.drainS);
    const rawJobsPerS = Math.round(PG_N / r.drainS);
    Object.assign(result, {
      postgres_jobs_per_s: jobsPerS,
      postgres_raw_jobs_per_s: rawJobsPerS,
      postgres_ratio: Number((jobsPerS / rawJobsPerS).toFixed(3)),
      postgres_goals: { jobs_per_s: 5_000, ratio: 0.8, met: jobsPerS >= 5_000 && jobsPerS / rawJobsPerS >= 0.8 },
      postgres_enqueue_jobs_per_s: Math.round(PG_N / o.enqueueS),
      postgres_raw_enqueue_jobs_per_s: Math.round(PG_N / r.enqueueS),
      postgres_runs: { ours_drain_s: ours.map((x) => round2(x.drainS)), raw_drain_s: raws.map((x) => round2(x.drainS)) },
      postgres_settings: { raw: { batchSize: pgBatch, localConcurrency: pgWorkers, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5, includeMetadata: false }, ours_concurrency: pgConcurrency, pool_max: pgPool },
    });
  }
  if (only.has("redis")) {
    const raws: Run[] = [];
    const ours: Run[] = [];
    for (let i = 0; i < 2; i++) {
      raws.push(await redisRaw());
      say(`redis raw: ${raws.at(-1)!.drainS.toFixed(2)} s`);
      ours.push(await redisOurs());
      say(`redis ours: ${ours.at(-1)!.drainS.toFixed(2)} s`);
    }
    const o = best(ours);
    const r = best(raws);
    const jobsPerS = Math.round(REDIS_N / o.drainS);
    const rawJobsPerS = Math.round(REDIS_N / r.drainS);
    Object.assign(result, {
      redis_jobs_per_s: jobsPerS,
      redis_raw_jobs_per_s: rawJobsPerS,
      redis_ratio: Number((jobsPerS / rawJobsPerS).toFixed(3)),
      redis_enqueue_jobs_per_s: Math.round(REDIS_N / o.enqueueS),
      redis_raw_enqueue_jobs_per_s: Math.round(REDIS_N / r.enqueueS),
      redis_runs: { ours_drain_s: ours.map((x) => round2(x.drainS)), raw_drain_s: raws.map((x) => round2(x.drainS)) },
    });
  }
  if (only.has("failover")) Object.assign(result, await failover());
  for (const key of ["jobs_per_s", "raw_jobs_per_s", "ratio"]) if (`${headline}_${key}` in result) result[key] = result[`${headline}_${key}`];
  Object.assign(result, {
    jobs: { postgres: PG_N, redis: REDIS_N },
    concurrency: { postgres: pgConcurrency, redis: redisConcurrency },
    node: process.version,
    cpus: os.cpus().length,
  });
} finally {
  await sql.end({ timeout: 5 });
  await database.drop();
}
console.log(JSON.stringify(result));
process.exit(0);
