import { execFile } from "node:child_process";
import { appendFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";
import { CONFIG_SECRETS, E2E_DATABASE_URL, ROOT, SECRETS_FILE } from "./env";

export const PASSWORD = "correct-horse-42";
export const DEMO = { email: "demo@brandbase.dev", password: "brandbase-demo", brand: "demo-brand" };

/** A short id that keeps this run's accounts and brands apart from earlier runs'. */
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

/** Counts full page loads, to prove an update arrived without one. */
export function countNavigations(page: Page): () => number {
  let loads = 0;
  page.on("load", () => loads++);
  return () => loads;
}

export const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT ?? "4101"}`;

/** Tells the end-of-run scan about a secret a test made (it fails the run if any log line holds it). */
export function rememberSecret(kind: string, value: string): void {
  appendFileSync(SECRETS_FILE, `${JSON.stringify({ kind, value })}\n`);
}

/**
 * Makes `email` an instance administrator the way an operator does, with `npm run admin -- create`;
 * returns the one-time password it prints for a new account.
 */
export async function createInstanceAdmin(email: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/admin.ts", "create", email], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, BETTER_AUTH_SECRET: CONFIG_SECRETS.BETTER_AUTH_SECRET, LOG_LEVEL: "silent" },
  });
  const password = /Password \(shown only this once; only its hash is stored\): (\S+)/.exec(stdout)?.[1];
  if (!password) throw new Error(`npm run admin -- create ${email} printed no password:\n${stdout}`);
  rememberSecret("instance administrator's one-time password", password);
  return password;
}

/** From Settings → Stores: the demo shop's domain, Shopify's consent page, Install, back in the app. */
export async function connectDemoStore(page: Page) {
  await page.getByLabel("Shop domain").fill("demo-brand");
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page.getByRole("heading", { name: "Install Brandbase" })).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  await expect(page).toHaveURL(/\/settings\/stores\?connected=/);
}

/** A fresh instance administrator, signed in on `page`. */
export async function signInAsNewInstanceAdmin(page: Page): Promise<{ email: string }> {
  const email = `instance-admin-${runId()}@example.test`;
  const password = await createInstanceAdmin(email);
  await signIn(page, { email, password });
  return { email };
}
