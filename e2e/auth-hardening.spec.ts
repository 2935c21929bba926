import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { type APIRequestContext, expect, request as playwrightRequest, test } from "@playwright/test";
import postgres from "postgres";
import { BASE_URL, E2E_DATABASE_URL, E2E_PORT, ROOT, RUN_DIR, SERVER_ENV } from "./env";
import { freePort, PASSWORD, runId } from "./helpers";

const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

/**
 * Another web process of the same app (`tsx scripts/server.ts`, on the build `npm start` made), as a
 * deployment runs several behind one load balancer. Its output joins the run's logs (scanned at the end).
 */
async function startWebProcess(env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const { BRANDBASE_LOG_FILE: _file, ...serverEnv } = SERVER_ENV;
  const child: ChildProcess = spawn(process.execPath, [TSX, "scripts/server.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...serverEnv, ...env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(path.join(RUN_DIR, `web-${port}.log`));
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split("\n").filter(Boolean)) log.write(`web       | ${line}\n`);
      if (output.includes("web server listening on")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`web process exited with ${code}:\n${output}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      log.end();
    },
  };
}

test.describe("sign-in limits, shared by web processes behind a trusted proxy", () => {
  test.describe.configure({ mode: "serial" });
  let a: Awaited<ReturnType<typeof startWebProcess>>;
  let b: Awaited<ReturnType<typeof startWebProcess>>;
  let api: APIRequestContext;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    // Two processes of one deployment: one Redis prefix, one proxy hop in front (TRUST_PROXY=1).
    const shared = { QUEUE_PREFIX: `e2e-limits-${runId()}`, TRUST_PROXY: "1", AUTH_RATE_LIMIT_MAX: "3", AUTH_ACCOUNT_RATE_LIMIT_MAX: "4" };
    [a, b] = await Promise.all([startWebProcess(shared), startWebProcess(shared)]);
    api = await playwrightRequest.newContext();
  });
  test.afterAll(async () => {
    await api?.dispose();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  /** A sign-in as the load balancer forwards it: whatever the client wrote in X-Forwarded-For, then the address it saw. */
  const attempt = (server: { url: string }, client: string, spoofed: string, email = `nobody-${runId()}@example.test`) =>
    api.post(`${server.url}/api/auth/sign-in/email`, {
      data: { email, password: "wrong-password-1" },
      headers: { origin: BASE_URL, "x-forwarded-for": `${spoofed}, ${client}`, "x-brandbase-client-ip": spoofed },
    });

  test("an address's attempts count in both processes, a spoofed X-Forwarded-For resets nothing, and the lockout is a 429 with Retry-After", async () => {
    const client = "203.0.113.10";
    expect((await attempt(a, client, "198.51.100.1")).status()).toBe(401);
    expect((await attempt(b, client, "198.51.100.2")).status()).toBe(401);
    expect((await attempt(a, client, "198.51.100.3")).status()).toBe(401);
    const locked = await attempt(b, client, "198.51.100.4");
    expect(locked.status()).toBe(429);
    const retryAfter = Number(locked.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await locked.json()).toMatchObject({ message: expect.stringMatching(/^Too many attempts from your address/) });
    expect((await attempt(a, client, "198.51.100.5")).status()).toBe(429);
    // Another client behind the same proxy is not affected, even claiming the locked address.
    expect((await attempt(a, "203.0.113.11", client)).status()).toBe(401);
  });

  test("an account's attempts count across addresses and processes", async () => {
    const victim = `victim-${runId()}@example.test`;
    for (const [i, server] of [a, b, a, b].entries()) expect((await attempt(server, `203.0.113.${20 + i}`, "198.51.100.9", victim)).status()).toBe(401);
    const locked = await attempt(a, "203.0.113.30", "198.51.100.9", victim);
    expect(locked.status()).toBe(429);
    expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(10 * 60);
    expect(await locked.json()).toMatchObject({ message: expect.stringMatching(/^Too many attempts for this account/) });
  });
});

test("without a trusted proxy the app believes the socket, not headers the client wrote", async () => {
  const api = await playwrightRequest.newContext();
  const sql = postgres(E2E_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const email = `socket-${runId()}@example.test`;
    const res = await api.post(`${BASE_URL}/api/auth/sign-up/email`, {
      data: { email, password: PASSWORD, name: "Socket" },
      headers: { origin: BASE_URL, "x-forwarded-for": "6.6.6.6", "x-brandbase-client-ip": "6.6.6.6", "x-real-ip": "6.6.6.6" },
    });
    expect(res.status()).toBe(200);
    const [session] = await sql<{ ip: string }[]>`select s.ip_address as ip from "session" s join "user" u on u.id = s.user_id where u.email = ${email}`;
    expect(session?.ip).toBe("127.0.0.1");
  } finally {
    await sql.end();
    await api.dispose();
  }
});

test("the demo listens on this machine only", async () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal);
  test.skip(!external, "this machine has no non-loopback IPv4 address to try");
  await expect(fetch(`http://${external!.address}:${E2E_PORT}/api/health`)).rejects.toThrow();
  expect((await fetch(`http://127.0.0.1:${E2E_PORT}/api/health`)).status).toBe(200);
});

test("pages carry the security headers, work under the CSP, and cannot be framed", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/sign-up");
  const headers = res!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // plain http here
  // Hydrated and working: client-side validation runs, a sign-up goes through to the app.
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  const id = runId();
  await page.getByLabel("Name").fill("Csp Checker");
  await page.getByLabel("Email").fill(`csp-${id}@example.test`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Create your first brand")).toBeVisible();
  expect(violations).toEqual([]);

  // Framed by a page of another (local) origin: the browser refuses to show it (the frame ends on its error page).
  const framer = createHttpServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<iframe src="${BASE_URL}/sign-in"></iframe>`));
  await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
  try {
    const navigated = page.waitForEvent("framenavigated", (f) => f.parentFrame() === page.mainFrame() && f.url() !== "about:blank");
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    const framed = await navigated;
    expect(framed.url()).toBe("chrome-error://chromewebdata/");
  } finally {
    framer.close();
  }
});

for (const next of ["/%09/evil.example", "/%5Cevil.example", "//evil.example", "https://evil.example/brands"]) {
  test(`after sign-in, next=${next} does not leave the app`, async ({ page }) => {
    const email = `next-${runId()}@example.test`;
    const api = await playwrightRequest.newContext();
    expect((await api.post(`${BASE_URL}/api/auth/sign-up/email`, { data: { email, password: PASSWORD, name: "Next" }, headers: { origin: BASE_URL } })).status()).toBe(200);
    await api.dispose();
    await page.goto(`/sign-in?next=${next}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${BASE_URL}/brands`);
  });
}
