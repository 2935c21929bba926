/**
 * Queue throughput: N no-op jobs through our typed layer (contract-validated enqueueMany →
 * BullMQ adapter → typed processor) versus raw BullMQ with the same job options, in one run.
 * Each side enqueues everything, then one worker drains it; we time the drain.
 *
 *   npm run bench -- queue [--jobs 100000] [--concurrency 100]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { createRedis, quitRedis } from "../src/server/infra/redis";
import { createRedisQueue } from "../src/server/infra/queue/redis";
import { createJobProducer, createQueueProcessor } from "../src/server/jobs/queue";
import { getLogger } from "../src/server/logger";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "100000" }, concurrency: { type: "string", default: "100" }, batch: { type: "string", default: "1000" } },
});
const N = Number(values.jobs);
const concurrency = Number(values.concurrency);
const batch = Number(values.batch);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const brandId = randomUUID();
const log = getLogger();
// Same retention as the adapter, so both sides do the same Redis work per job.
const jobOpts = { attempts: 5, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: { age: 24 * 3600, count: 2_000 }, removeOnFail: { age: 14 * 24 * 3600, count: 10_000 } };

async function cleanup(prefix: string, queue: string) {
  const redis = createRedis(redisUrl, "command");
  const q = new Queue(queue, { connection: redis, prefix });
  await q.obliterate({ force: true });
  await q.close();
  await quitRedis(redis);
}

async function ours(): Promise<{ enqueueS: number; drainS: number }> {
  const prefix = `bench-ours-${randomUUID().slice(0, 6)}`;
  const port = createRedisQueue({ url: redisUrl, prefix });
  const jobs = createJobProducer(port);
  let t = performance.now();
  for (let i = 0; i < N; i += batch) {
    const size = Math.min(batch, N - i);
    await jobs.enqueueMany("analysis", "probe", Array.from({ length: size }, (_, k) => ({ payload: { brandId, probeId: `p${i + k}` } })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  t = performance.now();
  const worker = port.work("analysis", createQueueProcessor("analysis", { probe: async () => undefined }), {
    concurrency,
    graceMs: 5_000,
    log,
    onEvent: (e) => {
      if (e.type === "completed" && ++done === N) resolve();
    },
  });
  await finished;
  const drainS = (performance.now() - t) / 1000;
  await worker.close();
  await port.close();
  await cleanup(prefix, "analysis");
  return { enqueueS, drainS };
}

async function raw(): Promise<{ enqueueS: number; drainS: number }> {
  const prefix = `bench-raw-${randomUUID().slice(0, 6)}`;
  const producer = createRedis(redisUrl, "command");
  const queue = new Queue("analysis", { connection: producer, prefix });
  let t = performance.now();
  for (let i = 0; i < N; i += batch) {
    const size = Math.min(batch, N - i);
    await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: "probe", data: { brandId, probeId: `p${i + k}`, durationMs: 0, fail: false }, opts: jobOpts })));
  }
  const enqueueS = (performance.now() - t) / 1000;
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const blocking = createRedis(redisUrl, "blocking");
  t = performance.now();
  const worker = new Worker("analysis", async () => undefined, { connection: blocking, prefix, concurrency });
  worker.on("completed", () => {
    if (++done === N) resolve();
  });
  await finished;
  const drainS = (performance.now() - t) / 1000;
  await worker.close();
  await queue.close();
  await quitRedis(blocking);
  await quitRedis(producer);
  await cleanup(prefix, "analysis");
  return { enqueueS, drainS };
}

// Raw first and ours second, then both again, keeping each side's best: warm-up and noise hit both alike.
const r1 = await raw();
const o1 = await ours();
const r2 = await raw();
const o2 = await ours();
const best = (a: { drainS: number; enqueueS: number }, b: { drainS: number; enqueueS: number }) => (a.drainS <= b.drainS ? a : b);
const o = best(o1, o2);
const r = best(r1, r2);
const jobsPerS = Math.round(N / o.drainS);
const rawJobsPerS = Math.round(N / r.drainS);
console.log(
  JSON.stringify({
    bench: "queue",
    jobs: N,
    concurrency,
    jobs_per_s: jobsPerS,
    raw_jobs_per_s: rawJobsPerS,
    ratio: Number((jobsPerS / rawJobsPerS).toFixed(3)),
    enqueue_jobs_per_s: Math.round(N / o.enqueueS),
    raw_enqueue_jobs_per_s: Math.round(N / r.enqueueS),
    runs: { ours_drain_s: [o1.drainS, o2.drainS].map((s) => Number(s.toFixed(2))), raw_drain_s: [r1.drainS, r2.drainS].map((s) => Number(s.toFixed(2))) },
    node: process.version,
    cpus: (await import("node:os")).cpus().length,
  }),
);
process.exit(0);
