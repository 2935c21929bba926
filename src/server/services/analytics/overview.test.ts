import { describe, expect, it } from "vitest";
import { chartBuckets, chartGrain } from "./overview";

const none = new Map<string, { orders: number; gross: string; net: string }>();

describe("the Overview chart's buckets", () => {
  it("draws up to a quarter by day, up to two years by week, longer by month", () => {
    expect([7, 30, 90, 92, 93, 365, 731, 732, 2000].map(chartGrain)).toEqual(["day", "day", "day", "day", "week", "week", "week", "month", "month"]);
  });

  it("covers every day from the first to today, marking today and cut buckets partial", () => {
    const days = chartBuckets("day", "2026-03-05", "2026-03-07", new Map([["2026-03-06", { orders: 2, gross: "5.00", net: "4.00" }]]));
    expect(days).toEqual([
      { day: "2026-03-05", lastDay: "2026-03-05", orders: 0, gross: "0.00", net: "0.00", partial: false },
      { day: "2026-03-06", lastDay: "2026-03-06", orders: 2, gross: "5.00", net: "4.00", partial: false },
      { day: "2026-03-07", lastDay: "2026-03-07", orders: 0, gross: "0.00", net: "0.00", partial: true },
    ]);
    // Weeks run Monday to Sunday: a period starting on a Wednesday cuts its first week.
    const weeks = chartBuckets("week", "2026-03-04", "2026-03-24", new Map([["2026-03-02", { orders: 1, gross: "1.00", net: "1.00" }]]));
    expect(weeks.map((w) => [w.day, w.lastDay, w.orders, w.partial])).toEqual([
      ["2026-03-04", "2026-03-08", 1, true],
      ["2026-03-09", "2026-03-15", 0, false],
      ["2026-03-16", "2026-03-22", 0, false],
      ["2026-03-23", "2026-03-24", 0, true],
    ]);
    const months = chartBuckets("month", "2024-01-15", "2026-03-24", none);
    expect(months).toHaveLength(27);
    expect(months[0]).toMatchObject({ day: "2024-01-15", lastDay: "2024-01-31", partial: true });
    expect(months[1]).toMatchObject({ day: "2024-02-01", lastDay: "2024-02-29", partial: false });
    expect(months.at(-1)).toMatchObject({ day: "2026-03-01", lastDay: "2026-03-24", partial: true });
  });
});
