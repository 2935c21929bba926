import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

describe("safeRedirectPath", () => {
  it.each([
    ["/brands", "/brands"],
    ["/demo-brand/settings/stores", "/demo-brand/settings/stores"],
    ["/invite/abc_DEF-123", "/invite/abc_DEF-123"],
    ["/demo-brand/orders?page=2#top", "/demo-brand/orders?page=2#top"],
    ["/a/../b", "/b"],
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"], // an encoded slash stays a path segment on our origin
  ])("keeps the same-origin path %j as %j", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  it.each([
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "/\t/evil.com", // what ?next=/%09/evil.com arrives as once the query is decoded
    "/\n/evil.com",
    "/\r\n/evil.com",
    " /\t/evil.com",
    "https://evil.com",
    "http://evil.com/brands",
    "javascript:alert(1)",
    "data:text/html,hi",
    "evil.com",
    "brands",
    "",
  ])("refuses %j", (input) => {
    expect(safeRedirectPath(input)).toBe("/brands");
  });

  it("refuses an absurdly long value", () => {
    expect(safeRedirectPath(`/${"a".repeat(3000)}`)).toBe("/brands");
  });

  it("falls back when the parameter is missing, and takes the first of repeated ones", () => {
    expect(safeRedirectPath(undefined)).toBe("/brands");
    expect(safeRedirectPath(null, "/home")).toBe("/home");
    expect(safeRedirectPath(["/x", "//evil.com"])).toBe("/x");
    expect(safeRedirectPath(["//evil.com", "/x"])).toBe("/brands");
  });
});
