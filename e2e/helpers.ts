import { execFile } from "node:child_process";
import { appendFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { CONFIG_SECRETS, E2E_DATABASE_URL, ROOT, SECRETS_FILE, SERVER_ENV } from "./env";

// Every spec makes what it uses (accounts, brands, shops) under a fresh id, so specs pass in any
// order, alone, and again on a database an earlier run left behind. Nothing here uses the demo
// operator or the demo shop that `npm start` seeds.

export const PASSWORD = "correct-horse-42";

/** A short id that keeps this run's accounts, brands and shops apart from every other run's. */
export const runId = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

export async function signUp(page: Page, user: { name: string; email: string }) {
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/brands$/);
}

export interface Owner {
  name: string;
  email: string;
  /** The brand's URL segment. */
  brand: string;
  brandName: string;
}

/** A new account, signed in on `page`, owning a new brand; leaves the page on the brand's Overview. */
export async function signUpOwnerWithBrand(page: Page, label = "owner"): Promise<Owner> {
  const id = runId();
  const owner = { name: "Olivia Owner", email: `${label}-${id}@example.test`, brandName: `Brand ${id}`, brand: `brand-${id}` };
  await page.goto("/sign-up");
  await signUp(page, owner);
  await expect(page.getByText("Create your first brand")).toBeVisible();
  await page.getByLabel("Brand name").fill(owner.brandName);
  await page.getByRole("button", { name: "Create brand" }).click();
  await expect(page).toHaveURL(new RegExp(`/${owner.brand}$`));
  return owner;
}

/** Tells the end-of-run scan about a secret a test made (it fails the run if any log line holds it). */
export function rememberSecret(kind: string, value: string): void {
  appendFileSync(SECRETS_FILE, `${JSON.stringify({ kind, value })}\n`);
}

/** `npm run admin -- create <email>` against the e2e database, as an operator of the instance runs it. */
async function adminCreate(email: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/admin.ts", "create", email], {
    cwd: ROOT,
    // The server's Redis and prefix too: the script tells the server's processes of the new role (their cached sessions drop it).
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, REDIS_URL: SERVER_ENV.REDIS_URL, QUEUE_PREFIX: SERVER_ENV.QUEUE_PREFIX, BETTER_AUTH_SECRET: CONFIG_SECRETS.BETTER_AUTH_SECRET, LOG_LEVEL: "silent" },
  });
  return stdout;
}

/** Makes an existing account an instance administrator (the one way specs get one: the admin script). */
export async function grantInstanceAdmin(email: string): Promise<void> {
  const stdout = await adminCreate(email);
  if (!/is now an instance administrator|is already an instance administrator/.test(stdout)) throw new Error(`npm run admin -- create ${email} did not grant the role:\n${stdout}`);
}

/** A new instance administrator account made by the admin script; returns the one-time password it prints. */
export async function createInstanceAdmin(email: string): Promise<string> {
  const stdout = await adminCreate(email);
  const password = /Password \(shown only this once; only its hash is stored\): (\S+)/.exec(stdout)?.[1];
  if (!password) throw new Error(`npm run admin -- create ${email} printed no password:\n${stdout}`);
  rememberSecret("instance administrator's one-time password", password);
  return password;
}

/** A fresh instance administrator, signed in on `page`. */
export async function signInAsNewInstanceAdmin(page: Page): Promise<{ email: string }> {
  const email = `instance-admin-${runId()}@example.test`;
  const password = await createInstanceAdmin(email);
  await signIn(page, { email, password });
  return { email };
}

/** Counts full page loads, to prove an update arrived without one. */
export function countNavigations(page: Page): () => number {
  let loads = 0;
  page.on("load", () => loads++);
  return () => loads;
}

export const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT ?? "4101"}`;

/**
 * A new shop in the demo emulator (which the web server under test starts with it), with the
 * demo's seed: `shop` is what an owner types into Settings → Stores.
 */
/** A shop in the emulator; `currencies[0]` is its shop currency (the others are what customers pay in). */
export async function createShop(request: APIRequestContext, opts: { orders?: number; currencies?: string[] } = {}): Promise<{ shop: string; domain: string }> {
  const shop = `shop-${runId()}`;
  const res = await request.post(`${EMULATOR}/_emulator/shops`, { data: { domain: shop, orders: opts.orders ?? 3000, seed: 42, ...(opts.currencies ? { currencies: opts.currencies } : {}) } });
  expect(res.status(), await res.text()).toBe(201);
  return { shop, domain: `${shop}.myshopify.com` };
}

/** From Settings → Stores: the shop's domain, Shopify's consent page, Install, back in the app. */
export async function connectStore(page: Page, shop: string) {
  await page.getByLabel("Shop domain").fill(shop);
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page.getByRole("heading", { name: "Install Brandbase" })).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  await expect(page).toHaveURL(/\/settings\/stores\?connected=/);
}

/**
 * axe-core over the page as it is now (WCAG 2.0–2.2 A and AA rules and best practices): fails on any
 * serious or critical violation, listing each with the elements it found.
 */
export async function expectNoSeriousA11yViolations(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").join(" ")}`).join("\n")}`);
  expect(report, `axe on ${where} (${page.url()})`).toEqual([]);
}

/** A port nothing listens on now (for a process a spec starts). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
