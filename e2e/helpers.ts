import { expect, type Page } from "@playwright/test";
import postgres from "postgres";

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

/** From Settings → Stores: the demo shop's domain, Shopify's consent page, Install, back in the app. */
export async function connectDemoStore(page: Page) {
  await page.getByLabel("Shop domain").fill("demo-brand");
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page.getByRole("heading", { name: "Install Brandbase" })).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  await expect(page).toHaveURL(/\/settings\/stores\?connected=/);
}

/** The database the e2e web server uses (playwright.config.ts passes the same one). */
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/brandbase_e2e";

/**
 * Makes a signed-up account an instance administrator. Until `npm run admin -- create <email>`
 * exists this is a direct SQL update; at merge it becomes a call of that script.
 */
export async function makeInstanceAdmin(email: string): Promise<void> {
  const sql = postgres(E2E_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`update "user" set is_instance_admin = true where email = ${email.toLowerCase()} returning id`;
    if (rows.length !== 1) throw new Error(`No account ${email} to make an instance administrator`);
  } finally {
    await sql.end();
  }
}

/** A fresh instance administrator, signed in on `page`. */
export async function signInAsNewInstanceAdmin(page: Page): Promise<{ email: string }> {
  const email = `instance-admin-${runId()}@example.test`;
  await page.goto("/sign-up");
  await signUp(page, { name: "Ina Admin", email });
  await expect(page).toHaveURL(/\/brands$/);
  await makeInstanceAdmin(email);
  // A new session, so nothing cached from before the promotion is in play.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, { email, password: PASSWORD });
  return { email };
}
