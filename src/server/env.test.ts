import { afterEach, describe, expect, it } from "vitest";
import { EMBEDDED_DATABASE_URL, getEnv, resetEnvCache } from "./env";

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

describe("getEnv", () => {
  it("needs nothing to start locally: embedded Postgres and local Redis by default", () => {
    delete process.env.DATABASE_URL;
    delete process.env.REDIS_URL;
    resetEnvCache();
    const env = getEnv();
    expect(env.DATABASE_URL).toBe(EMBEDDED_DATABASE_URL);
    expect(env.databaseEmbedded).toBe(true);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("names every bad variable", () => {
    process.env.REDIS_URL = "http://nope";
    process.env.BETTER_AUTH_SECRET = "short";
    process.env.QUEUE_PREFIX = "has:colon";
    resetEnvCache();
    expect(() => getEnv()).toThrowError(
      /REDIS_URL: REDIS_URL must be a redis:\/\/ URL[\s\S]*BETTER_AUTH_SECRET: BETTER_AUTH_SECRET must be at least 32 characters/,
    );
    expect(() => getEnv()).toThrowError(/QUEUE_PREFIX: QUEUE_PREFIX may hold letters/);
  });
});
