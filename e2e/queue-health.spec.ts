import { expect, type Page, test } from "@playwright/test";
import { countNavigations, createInstanceAdmin, DEMO, runId, signIn } from "./helpers";

// One signed-in page for the file: sign-in is rate limited per address, as it should be.
test.describe.configure({ mode: "serial" });
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await signIn(page, DEMO);
});
test.afterAll(() => page.close());

test.beforeEach(async () => {
  await page.goto(`/${DEMO.brand}/queues`);
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
  await expect(page.getByRole("img", { name: /jobs completed in the last 15 minutes/ })).toBeVisible();
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

test("pausing queues takes an instance administrator, made with npm run admin; the demo operator is none", async ({ browser }) => {
  // The demo operator owns the demo brand, but the queues are the whole instance's.
  await expect(page.locator('tr[data-queue="send"]')).toBeVisible();
  await expect(page.getByRole("button", { name: "Pause send" })).toHaveCount(0);

  const id = runId();
  const password = await createInstanceAdmin(`ops-${id}@example.test`);
  const context = await browser.newContext();
  const admin = await context.newPage();
  try {
    await signIn(admin, { email: `ops-${id}@example.test`, password });
    await admin.getByLabel("Brand name").fill(`Ops ${id}`);
    await admin.getByRole("button", { name: "Create brand" }).click();
    await expect(admin).toHaveURL(new RegExp(`/ops-${id}$`));
    await admin.goto(`/ops-${id}/queues`);
    const row = admin.locator('tr[data-queue="send"]');
    await row.getByRole("button", { name: "Pause send" }).click();
    await expect(row.getByText("Paused")).toBeVisible();
    await row.getByRole("button", { name: "Resume" }).click();
    await expect(row.getByText("Paused")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
