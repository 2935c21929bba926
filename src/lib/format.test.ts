import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, formatMoney, formatMoneyCompact, formatPercent, formatUnits } from "./format";

describe("formatting on the data pages", () => {
  it("says the currency and separates thousands", () => {
    expect(formatMoney("12345.5", "USD")).toBe("$12,345.50");
    expect(formatMoney("0.1", "EUR")).toBe("€0.10");
    expect(formatMoneyCompact(1_250_000, "USD")).toBe("$1.3M");
    expect(formatMoneyCompact(950, "GBP")).toBe("£950");
  });

  it("counts units in words, one or many", () => {
    expect(formatUnits(1)).toBe("1 unit");
    expect(formatUnits(12_345, "order")).toBe("12,345 orders");
    expect(formatPercent(2 / 3)).toBe("66.7%");
    expect(formatPercent(null)).toBe("—");
  });

  it("shows a moment in the shop's time zone and a local day as it is", () => {
    expect(formatDateTime("2026-03-10T03:30:00Z", "America/New_York")).toBe("Mar 9, 2026, 11:30 PM");
    expect(formatDateTime("2026-03-10T03:30:00Z", "UTC")).toBe("Mar 10, 2026, 3:30 AM");
    expect(formatDay("2026-03-09")).toBe("Mar 9");
    expect(formatDay("2026-03-09", { year: true })).toBe("Mar 9, 2026");
  });
});
