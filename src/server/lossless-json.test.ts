import { describe, expect, it } from "vitest";
import { parseLossless, stringifyLossless } from "./lossless-json";

describe("lossless JSON", () => {
  it("keeps 18-digit integers exact and leaves other numbers alone", () => {
    const parsed = parseLossless('{"id":820982911946154508,"n":[1,2.5,-9007199254740993,1e21],"s":"820982911946154508","q":3}') as Record<string, unknown>;
    expect(parsed.id).toBe(820982911946154508n);
    expect(parsed.n).toEqual([1, 2.5, -9007199254740993n, 1e21]);
    expect(parsed.s).toBe("820982911946154508");
    expect(parsed.q).toBe(3);
  });

  it("parses texts without 16-digit runs as plain JSON, and the largest safe integer as a number", () => {
    expect(parseLossless('{"id":450789469,"price":"199.00","at":"2026-11-30T10:00:00Z"}')).toEqual({ id: 450789469, price: "199.00", at: "2026-11-30T10:00:00Z" });
    expect(parseLossless("[9007199254740991,9007199254740992]")).toEqual([9007199254740991, 9007199254740992n]);
  });

  it("writes bigints back as the same digits", () => {
    const text = '{"id":820982911946154508,"a":[{"b":450789469,"c":"9.99"}]}';
    expect(stringifyLossless(parseLossless(text))).toBe(text);
  });

  it("throws on what is not JSON, as JSON.parse does", () => {
    expect(() => parseLossless("{nope")).toThrow(SyntaxError);
  });
});
