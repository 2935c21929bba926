import { describe, expect, it } from "vitest";
import { perMinuteSeries } from "./redis";

const minute = (m: number, s = 0) => m * 60_000 + s * 1_000;

describe("perMinuteSeries", () => {
  it("is all zeros before any job completed", () => {
    expect(perMinuteSeries({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, 3)).toEqual([0, 0, 0]);
  });

  it("puts the not-yet-flushed jobs in prevTS's minute and the list before it", () => {
    // 4 jobs since the flush at minute 100; minutes 99 and 98 had 7 and 2.
    const m = { meta: { count: 13, prevTS: minute(100, 5), prevCount: 9 }, data: [7, 2] };
    expect(perMinuteSeries(m, 4, minute(100, 30))).toEqual([0, 2, 7, 4]);
  });

  it("shifts everything left when minutes passed without completions", () => {
    const m = { meta: { count: 13, prevTS: minute(100, 5), prevCount: 9 }, data: [7, 2] };
    expect(perMinuteSeries(m, 4, minute(102, 1))).toEqual([7, 4, 0, 0]);
  });
});
