import { describe, expect, it } from "vitest";
import type { JobRecord, QueuePort } from "../../infra/queue/port";
import { QUEUE_NAMES } from "../../jobs/contracts";
import { getQueuesHealthShared, latencyOf } from "./health";

const job = (createdAt: number, processedAt?: number, finishedAt?: number): JobRecord => ({
  id: String(createdAt),
  queue: "sync",
  name: "probe",
  data: {},
  attemptsMade: 1,
  stacktrace: [],
  createdAt,
  processedAt,
  finishedAt,
});

describe("latencyOf", () => {
  it("reports nulls with nothing to sample", () => {
    expect(latencyOf([])).toEqual({ sampled: 0, waitP50Ms: null, waitP95Ms: null, runP50Ms: null, runP95Ms: null });
  });

  it("computes wait (enqueue → start) and run (start → finish) percentiles, skipping unfinished jobs", () => {
    // waits 10..100, runs 1..10
    const jobs = Array.from({ length: 10 }, (_, i) => job(0, (i + 1) * 10, (i + 1) * 10 + i + 1));
    jobs.push(job(0, 5));
    expect(latencyOf(jobs)).toEqual({ sampled: 10, waitP50Ms: 50, waitP95Ms: 100, runP50Ms: 5, runP95Ms: 10 });
  });
});

describe("getQueuesHealthShared", () => {
  /** A queue backend that counts how often the figures are read (one read of counts per queue per snapshot). */
  function countingPort() {
    let reads = 0;
    const port = {
      counts: async () => {
        reads++;
        return { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, capped: false, lastFailedAt: null };
      },
      isPaused: async () => false,
      throughput: async () => ({ completed: [], failed: [] }),
      pageFinished: async () => [],
    } as unknown as QueuePort;
    return { port, snapshots: () => reads / QUEUE_NAMES.length };
  }

  it("lets every viewer woken by one change share a computation started after it, and no older one", async () => {
    const { port, snapshots } = countingPort();
    const scope = { brandId: "b1" };
    const change = Date.now();
    const [a, b] = await Promise.all([getQueuesHealthShared({ queue: port }, { scope, notBefore: change }), getQueuesHealthShared({ queue: port }, { scope, notBefore: change })]);
    expect(a).toBe(b);
    expect(snapshots()).toBe(1);
    // Another brand's view is computed on its own.
    await getQueuesHealthShared({ queue: port }, { scope: { brandId: "b2" }, notBefore: change });
    expect(snapshots()).toBe(2);
    // A change after the last computation started needs a fresh one.
    await new Promise((r) => setTimeout(r, 2));
    await getQueuesHealthShared({ queue: port }, { scope, notBefore: Date.now() });
    expect(snapshots()).toBe(3);
  });
});
