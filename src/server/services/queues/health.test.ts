import { describe, expect, it } from "vitest";
import type { JobRecord } from "../../infra/queue/port";
import { latencyOf } from "./health";

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
