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
    expect(env.REDIS_URL).toBeUndefined();
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

  it("takes an smtp:// or smtps:// SMTP_URL, and then needs MAIL_FROM", () => {
    process.env.SMTP_URL = "https://mail.example.com";
    resetEnvCache();
    expect(() => getEnv()).toThrowError(/SMTP_URL: SMTP_URL must be a URL like smtp:\/\/user:pass@host:587/);

    process.env.SMTP_URL = "smtps://user:pass@mail.example.com:465";
    delete process.env.MAIL_FROM;
    resetEnvCache();
    expect(() => getEnv()).toThrowError(/MAIL_FROM: MAIL_FROM is required when SMTP_URL is set/);

    process.env.MAIL_FROM = "not an address";
    resetEnvCache();
    expect(() => getEnv()).toThrowError(/MAIL_FROM: MAIL_FROM must be an address or "Name <address>"/);

    process.env.MAIL_FROM = "Acme <no-reply@acme.example>";
    resetEnvCache();
    expect(getEnv()).toMatchObject({ SMTP_URL: "smtps://user:pass@mail.example.com:465", MAIL_FROM: "Acme <no-reply@acme.example>" });
  });

  it("keeps mail in the outbox without SMTP_URL, with a placeholder sender", () => {
    delete process.env.SMTP_URL;
    delete process.env.MAIL_FROM;
    resetEnvCache();
    expect(getEnv().SMTP_URL).toBeUndefined();
    expect(getEnv().MAIL_FROM).toBe("Brandbase <no-reply@brandbase.invalid>");
  });
});
