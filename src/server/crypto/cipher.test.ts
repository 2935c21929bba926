import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretCipher } from "./cipher";

describe("SecretCipher", () => {
  const cipher = new SecretCipher(randomBytes(32).toString("base64"));

  it("round-trips, and never writes the same ciphertext twice", () => {
    const a = cipher.encrypt("shpat_secret");
    const b = cipher.encrypt("shpat_secret");
    expect(a).not.toBe(b);
    expect(a).not.toContain("shpat_secret");
    expect(cipher.decrypt(a)).toBe("shpat_secret");
  });

  it("refuses tampered ciphertext and a wrong key", () => {
    const sealed = cipher.encrypt("shpat_secret");
    const parts = sealed.split(":");
    parts[3] = Buffer.from("other").toString("base64url");
    expect(() => cipher.decrypt(parts.join(":"))).toThrow();
    expect(() => new SecretCipher(randomBytes(32).toString("base64")).decrypt(sealed)).toThrow();
  });

  it("names the problem with a bad key", () => {
    expect(() => new SecretCipher("short")).toThrow("TOKEN_ENCRYPTION_KEY must be 32 bytes");
  });
});
