import { spawn } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Infra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { eventually, servicesReady, testInfra, uniquePrefix } from "../helpers/context";

const root = path.resolve(import.meta.dirname, "../..");

/** The real worker entry point, as `npm run workers -- sync` starts it. */
function startWorkerProcess(prefix: string) {
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "src/workers/index.ts", "sync"], {
    cwd: root,
    env: {
      ...process.env,
      QUEUE_PREFIX: prefix,
      REDIS_URL: inject("redisUrl"),
      WORKER_SHUTDOWN_GRACE_MS: "300",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe.skipIf(!servicesReady)("worker process graceful shutdown", () => {
  const prefix = uniquePrefix("shutdown");
  let infra: Infra;
  beforeAll(() => {
    infra = testInfra(prefix);
  });
  afterAll(() => infra.close());

  it("on SIGTERM releases its active job, exits 0, and a new worker completes the job", async () => {
    const first = startWorkerProcess(prefix);
    const jobs = createJobProducer(infra.queue);
    const jobId = await jobs.enqueue(
      "sync",
      "probe",
      { brandId: "11111111-1111-4111-8111-111111111111", probeId: "slow", durationMs: 2_500 },
      { jobId: "probe-slow" },
    );
    await eventually(async () => (await infra.queue.counts("sync")).active === 1, { timeoutMs: 20_000, label: "job active" });

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("released active job on shutdown");
    expect(first.output()).toContain("workers stopped");
    const counts = await infra.queue.counts("sync");
    expect(counts).toMatchObject({ active: 0, waiting: 1, failed: 0 });

    const second = startWorkerProcess(prefix);
    try {
      const done = await eventually(async () => (await infra.queue.getJob("sync", jobId))?.finishedAt, { timeoutMs: 20_000, label: "completion" });
      expect(done).toBeGreaterThan(0);
      expect((await infra.queue.counts("sync")).completed).toBe(1);
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  }, 60_000);
});
