import { describe, expect, it } from "vitest";
import { emailSchema, fieldErrors, passwordSchema } from "./validation";
import { z } from "zod";

describe("emailSchema", () => {
  it("trims and lower-cases valid addresses", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });
  it.each([
    ["", "Enter an email address"],
    ["ada", "Enter a valid email address, like name@example.com"],
    ["ada@", "Enter a valid email address, like name@example.com"],
  ])("rejects %j with %j", (input, message) => {
    const result = emailSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe(message);
  });
});

describe("passwordSchema", () => {
  it.each([
    ["short1", "Password must be at least 10 characters"],
    ["onlyletterss", "Password must mix letters with digits or symbols"],
    ["1234567890", "Password must mix letters with digits or symbols"],
  ])("rejects %j", (input, message) => {
    expect(passwordSchema.safeParse(input).error!.issues[0]!.message).toBe(message);
  });
  it("accepts a long mixed password", () => {
    expect(passwordSchema.safeParse("correct-horse-42").success).toBe(true);
  });
});

describe("fieldErrors", () => {
  it("keeps the first message per field path", () => {
    const schema = z.object({ a: z.string().min(2, "too short").max(1, "too long"), b: z.object({ c: z.number() }) });
    const error = schema.safeParse({ a: "x", b: { c: "y" } }).error!;
    expect(fieldErrors(error)).toEqual({ a: "too short", "b.c": expect.stringContaining("number") });
  });
});
