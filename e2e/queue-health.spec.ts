import { expect, type Page, test } from "@playwright/test";
import { countNavigations, grantInstanceAdmin, type Owner, signUpOwnerWithBrand } from "./helpers";

// One signed-in page for the file: sign-up and sign-in are rate limited per address, as they should be.
test.describe.configure({ mode: "serial" });
let page: Page;
let operator: Owner;

// The brand's owner, who is also an instance administrator (pausing a queue is instance-wide).
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  operator = await signUpOwnerWithBrand(page, "operator");
  await grantInstanceAdmin(operator.email);
});
test.afterAll(() => page.close());

test.beforeEach(async () => {
  await page.goto(`/${operator.brand}/queues`);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
});

test("a job sent through a queue appears and completes live, without a reload", async () => {
  const loads = countNavigations(page);
  const row = page.locator('tr[data-queue="automation"]');
  const count = (state: string) => row.locator(`td[data-count="${state}"]`);
  const completedBefore = Number(await count("completed").textContent());

  await page.getByLabel("Queue", { exact: true }).selectOption("automation");
  await page.getByLabel("Work for (seconds)").fill("2");
  await page.getByRole("button", { name: "Send test job" }).click();
  await expect(page.getByText(/Sent job probe-/)).toBeVisible();

  await expect(count("active")).toHaveText("1");
  await expect(count("completed")).toHaveText(String(completedBefore + 1), { timeout: 15_000 });
  await expect(count("active")).toHaveText("0");
  await expect(page.getByRole("figure", { name: /jobs completed in the last 15 minutes/ })).toBeVisible();
  expect(loads()).toBe(0);
});

test("a failed job shows its error, and can be retried and discarded", async () => {
  await page.getByLabel("Queue", { exact: true }).selectOption("analysis");
  await page.getByLabel("Work for (seconds)").fill("0");
  await page.getByLabel("Make it fail").check();
  await page.getByRole("button", { name: "Send test job" }).click();

  const table = page.getByRole("table", { name: "Failed jobs" });
  await expect(table).toContainText(/Probe .* failed on request/);
  await expect(table).toContainText("analysis / probe");
  await expect(page.locator('tr[data-queue="analysis"] td[data-count="failed"]')).not.toHaveText("0");

  await table.getByRole("button", { name: "Retry" }).first().click();
  // The probe fails again on purpose: back in the list with a second attempt.
  await expect(table.getByText("2", { exact: true })).toBeVisible({ timeout: 15_000 });

  await table.getByRole("button", { name: "Discard" }).first().click();
  await expect(page.getByText("No failed jobs")).toBeVisible();
});

test("an instance administrator pauses and resumes a queue", async () => {
  const row = page.locator('tr[data-queue="send"]');
  await row.getByRole("button", { name: "Pause send" }).click();
  await expect(row.getByText("Paused")).toBeVisible();
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row.getByText("Paused")).toHaveCount(0);
});

test("a brand owner who is not an instance administrator cannot pause the instance's queues", async ({ browser }) => {
  const context = await browser.newContext();
  const other = await context.newPage();
  try {
    const owner = await signUpOwnerWithBrand(other, "plain-owner");
    await other.goto(`/${owner.brand}/queues`);
    await expect(other.locator('tr[data-queue="send"]')).toBeVisible();
    await expect(other.getByRole("button", { name: "Pause send" })).toHaveCount(0);
    await expect(other.getByRole("button", { name: "Send test job" })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
