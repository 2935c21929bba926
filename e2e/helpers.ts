import { expect, type APIRequestContext, type Page } from "@playwright/test";
import postgres from "postgres";

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

// Same default as e2e/playwright.config.ts: the database the web server under test uses.
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/brandbase_e2e";

/**
 * Makes an existing account an instance administrator, as an operator of the instance would.
 * The one place specs get one: switch it to `npm run admin -- create <email>` when that lands.
 */
export async function grantInstanceAdmin(email: string): Promise<void> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`update "user" set is_instance_admin = true where email = ${email} returning id`;
    if (rows.length !== 1) throw new Error(`No account ${email} to make an instance administrator`);
  } finally {
    await sql.end();
  }
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
export async function createShop(request: APIRequestContext, opts: { orders?: number } = {}): Promise<{ shop: string; domain: string }> {
  const shop = `shop-${runId()}`;
  const res = await request.post(`${EMULATOR}/_emulator/shops`, { data: { domain: shop, orders: opts.orders ?? 3000, seed: 42 } });
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
