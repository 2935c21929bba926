import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "~/app/api/auth/[...all]/route";
import { closeInfra } from "~/server/infra";
import { resetEnvCache } from "~/server/env";
import { createUser, processInfra, servicesReady } from "../helpers/context";

const APP_URL = "http://localhost:3000";

/** A browser's sign-in request as our web server hands it on (it wrote the client address header). */
function attempt(path: "sign-in" | "sign-up", body: Record<string, string>, ip: string, headers: Record<string, string> = {}) {
  return POST(
    new Request(`${APP_URL}/api/auth/${path}/email`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", origin: APP_URL, "x-brandbase-client-ip": ip, ...headers },
    }),
  );
}
const signIn = (email: string, ip: string, password = "wrong-password-1", headers?: Record<string, string>) => attempt("sign-in", { email, password }, ip, headers);
const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
/** A fresh address (TEST-NET-2) per call, so no two attempts share an address budget unless a test means them to. */
let lastAddress = 0;
const address = () => `198.51.100.${++lastAddress}`;

describe.skipIf(!servicesReady)("sign-in and sign-up rate limits", () => {
  beforeAll(() => {
    Object.assign(process.env, { AUTH_RATE_LIMIT_MAX: "3", AUTH_ACCOUNT_RATE_LIMIT_MAX: "5", APP_URL });
    processInfra(); // counters under a prefix of this run's own; resets the env cache
  });
  afterAll(async () => {
    await closeInfra();
    delete process.env.AUTH_RATE_LIMIT_MAX;
    delete process.env.AUTH_ACCOUNT_RATE_LIMIT_MAX;
    resetEnvCache();
  });

  it("locks an address out after AUTH_RATE_LIMIT_MAX attempts with 429 and Retry-After, other addresses unaffected", async () => {
    const ip = address();
    for (let i = 0; i < 3; i++) expect((await signIn(email("nobody"), ip)).status).toBe(401);
    const locked = await signIn(email("nobody"), ip);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await locked.json()).toMatchObject({ code: "TOO_MANY_ATTEMPTS", message: expect.stringMatching(/^Too many attempts from your address; try again in \d+ seconds$/) });
    // Sign-up shares the address's budget.
    expect((await attempt("sign-up", { email: email("new"), password: "correct-horse-42", name: "New" }, ip)).status).toBe(429);
    expect((await signIn(email("nobody"), "2001:db8:ffff:1::1")).status).toBe(401);
  });

  it("counts IPv6 clients per /64", async () => {
    const prefix = "2001:db8:77:7";
    for (let i = 1; i <= 3; i++) expect((await signIn(email("nobody"), `${prefix}::${i}`)).status).toBe(401);
    expect((await signIn(email("nobody"), `${prefix}::ff`)).status).toBe(429);
  });

  it("holds the per-account limit across addresses, even for the right password", async () => {
    const victim = await createUser("victim");
    for (let i = 0; i < 5; i++) expect((await signIn(victim.email, address())).status).toBe(401);
    const locked = await signIn(victim.email, address(), "correct-horse-42");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(10 * 60);
    expect(await locked.json()).toMatchObject({ message: expect.stringMatching(/^Too many attempts for this account; try again in \d+ minutes$/) });
    // Another account from one of those addresses is still fine.
    const other = await createUser("bystander");
    expect((await signIn(other.email, address(), "correct-horse-42")).status).toBe(200);
  });

  it("marks the session cookie Secure when a trusted proxy says the request came over https", async () => {
    const user = await createUser("secure-cookie");
    const plain = await signIn(user.email, address(), "correct-horse-42");
    expect(plain.status).toBe(200);
    expect(plain.headers.getSetCookie().some((c) => /session_token/.test(c) && !/;\s*Secure/i.test(c))).toBe(true);
    const proxied = await signIn(user.email, address(), "correct-horse-42", { "x-forwarded-proto": "https" });
    expect(proxied.status).toBe(200);
    const cookies = proxied.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
  });
});
