import { describe, expect, it } from "vitest";
import { formatIsoDay, formatIsoMinute } from "./iso-time";
import { scopeLabel, scopeLabels } from "./scopes";

describe("scopes by name", () => {
  it("names read and write scopes as Shopify's consent screen does", () => {
    expect(scopeLabel("read_orders")).toBe("View orders");
    expect(scopeLabel("write_customers")).toBe("View and edit customers");
    expect(scopeLabel("read_all_orders")).toBe("View all orders");
    expect(scopeLabel("something_else")).toBe("something_else");
  });

  it("lists a resource once, with the strongest access", () => {
    expect(scopeLabels("read_orders,read_customers,write_customers, read_products")).toEqual(["View orders", "View and edit customers", "View products"]);
    expect(scopeLabels(null)).toEqual([]);
    expect(scopeLabels("")).toEqual([]);
  });
});

describe("ISO timestamps", () => {
  it("shows UTC to the minute whatever the reader's zone", () => {
    expect(formatIsoMinute(new Date(Date.UTC(2026, 10, 30, 17, 20, 59)))).toBe("2026-11-30 17:20 UTC");
    expect(formatIsoMinute("not a date")).toBe("—");
    expect(formatIsoDay(new Date(Date.UTC(2026, 10, 30, 23, 59)))).toBe("2026-11-30");
    expect(formatIsoDay(Number.NaN)).toBe("—");
  });
});
