import { describe, expect, it } from "vitest";
import type { SyncPhase } from "../../db/schema";
import { stepProgress } from "./status";

const base = {
  phase: "queued" as SyncPhase,
  phaseStartedAt: new Date(1_000_000),
  rootObjectCount: 0,
  expectedRoots: 10_000,
  rootsStaged: 0,
  rootsPromoted: 0,
};
const progress = (over: Partial<typeof base>, now = 1_010_000) => stepProgress({ ...base, ...over } as never, now);

describe("a step's progress", () => {
  it("counts the export as the first half, against the shop's own count, with its rate and ETA", () => {
    expect(progress({ phase: "queued" })).toMatchObject({ fraction: 0, ratePerSecond: null, etaSeconds: null });
    // 10 s into the export, 4,000 of 10,000 orders exported: 400/s, 15 s to go.
    expect(progress({ phase: "bulk_running", rootObjectCount: 4_000 })).toEqual({ fraction: 0.2, done: 4_000, total: 10_000, ratePerSecond: 400, etaSeconds: 15 });
  });

  it("counts staging and promotion as the second half, a quarter each, and done as whole", () => {
    // 0.5 + 0.25 × 0.6 staged + 0.25 × 0.2 promoted: the bar moves while chunks are staged, before any is promoted.
    expect(progress({ phase: "staging", rootObjectCount: 10_000, rootsStaged: 6_000, rootsPromoted: 2_000 }).fraction).toBeCloseTo(0.7, 10);
    expect(progress({ phase: "staging", rootObjectCount: 10_000, rootsStaged: 6_000, rootsPromoted: 2_000 })).toMatchObject({ done: 6_000, total: 10_000 });
    expect(progress({ phase: "staging", rootObjectCount: 10_000, rootsStaged: 2_000, rootsPromoted: 0 }).fraction).toBeCloseTo(0.55, 10);
    expect(progress({ phase: "promoting", rootObjectCount: 10_000, rootsStaged: 10_000, rootsPromoted: 9_000 })).toMatchObject({ fraction: 0.975, done: 9_000 });
    expect(progress({ phase: "done", rootObjectCount: 10_000, rootsPromoted: 10_000 })).toMatchObject({ fraction: 1, done: 10_000, total: 10_000, etaSeconds: null });
  });

  it("keeps what was promoted when a step failed", () => {
    expect(progress({ phase: "failed", rootObjectCount: 10_000, rootsPromoted: 3_000 })).toMatchObject({ fraction: 0.65, done: 3_000, total: 10_000, ratePerSecond: null });
  });
});
