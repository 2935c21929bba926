import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

/** A logger whose lines land in an array, with the process logger's redaction. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: "trace", service: "test" }, stream);
  return { log, text: () => lines.join("") };
}

const SECRETS = {
  password: "hunter2-correct-horse",
  token: "tok_4f8a1c0b9e2d7f36",
  inviteToken: "Zq8mW3xN5pK2rT7vL9yB",
  access: "shpat_0123456789abcdef0123",
  refresh: "shprt_fedcba9876543210fedc",
  cookie: "better-auth.session_token=abcDEF123456.sig789XYZ",
  bearer: "monitoring-bearer-0123456789",
  writeKey: "wk_live_7d3e9a1b5c",
  clientSecret: "emulator-client-secret-42",
  dbPassword: "pg-pass-77aa88bb",
};

describe("the logger keeps secrets out of log lines", () => {
  it("redacts secret-named keys at any depth, in arrays, errors, causes and child bindings", () => {
    const { log, text } = capture();
    const err = Object.assign(new Error("refresh failed"), {
      config: { headers: { Authorization: `Bearer ${SECRETS.bearer}`, "X-Shopify-Access-Token": SECRETS.access } },
      cause: Object.assign(new Error("upstream"), { body: { refresh_token: SECRETS.refresh } }),
    });
    log.child({ request: { headers: { cookie: SECRETS.cookie } } }).error(
      {
        err,
        user: { profile: { settings: { password: SECRETS.password } } },
        invitation: { id: "inv-1", email: "mate@example.test", inviteUrl: `http://localhost:3000/invite/${SECRETS.inviteToken}` },
        sessions: [{ shop: "a.myshopify.com", accessToken: SECRETS.access, refreshToken: SECRETS.refresh }],
        deep: { a: { b: { c: { d: { e: { token: SECRETS.token } } } } } },
        source: { writeKey: SECRETS.writeKey },
        app: { clientSecret: SECRETS.clientSecret },
        response: { status: 200, headers: { "set-cookie": `bb_session=${SECRETS.cookie}; Path=/; HttpOnly` } },
      },
      "something failed",
    );
    const out = text();
    for (const [name, secret] of Object.entries(SECRETS)) expect(out, `${name} leaked`).not.toContain(secret);
    // What is not secret stays readable.
    const line = JSON.parse(out);
    expect(line).toMatchObject({
      msg: "something failed",
      service: "test",
      invitation: { id: "inv-1", email: "mate@example.test", inviteUrl: "[redacted]" },
      sessions: [{ shop: "a.myshopify.com", accessToken: "[redacted]" }],
      response: { status: 200, headers: { "set-cookie": "[redacted]" } },
      err: { message: expect.stringContaining("refresh failed"), config: { headers: { Authorization: "[redacted]" } } },
    });
    expect(line.err.stack).toContain("logger.test.ts");
  });

  it("scrubs secrets out of messages and free text by their shape", () => {
    const { log, text } = capture();
    log.warn(`invitation link http://localhost:3000/invite/${SECRETS.inviteToken} created`);
    log.warn({ url: `https://shop.test/callback?code=abc123456789&hmac=${SECRETS.token}&shop=a.myshopify.com` }, "callback");
    log.error({ detail: `GraphQL call with ${SECRETS.access} refused; retried with Bearer ${SECRETS.bearer}` }, "refused");
    log.error({ reason: `could not connect to postgres://brandbase:${SECRETS.dbPassword}@db:5432/brandbase` }, "db down");
    log.info("format %s args", `token=${SECRETS.token}`);
    const out = text();
    for (const [name, secret] of Object.entries(SECRETS)) expect(out, `${name} leaked`).not.toContain(secret);
    expect(out).toContain("shop=a.myshopify.com");
    expect(out).toContain("postgres://brandbase:[redacted]@db:5432/brandbase");
  });

  it("survives cycles and leaves plain values alone", () => {
    const { log, text } = capture();
    const a: Record<string, unknown> = { name: "a", count: 3, at: new Date("2026-01-01T00:00:00Z") };
    a.self = a;
    log.info({ a, ok: true, none: null }, "cyclic");
    expect(JSON.parse(text())).toMatchObject({ a: { name: "a", count: 3, at: "2026-01-01T00:00:00.000Z", self: "[Circular]" }, ok: true, none: null });
  });
});
