import { type APIRequestContext, expect, test } from "@playwright/test";
import { connectStore, createShop, EMULATOR, signUpOwnerWithBrand } from "./helpers";

const control = (request: APIRequestContext, shop: string, path: string, method: "put" | "post" | "delete", body?: object) =>
  request[method](`${EMULATOR}/_emulator/shops/${shop}/${path}`, body ? { data: body } : {});

test("the Sync page under faults: an honest manual check, a stopped sync that says why, and Reconnect instead of Retry", async ({ page }) => {
  const owner = await signUpOwnerWithBrand(page);
  const { shop, domain } = await createShop(page.request, { orders: 800 });
  await page.goto(`/${owner.brand}/settings/stores`);
  await connectStore(page, shop);
  await page.goto(`/${owner.brand}/sync`);
  for (const entity of ["orders", "customers", "products"]) await expect(page.getByTestId(`sync-step-${entity}`)).toHaveAttribute("data-phase", "done", { timeout: 60_000 });

  // "Check again" says exactly what it compared: the money of the orders updated in the chosen window.
  await page.getByLabel("Money of orders updated in the").selectOption("90");
  await page.getByRole("button", { name: "Check again" }).click();
  const complete = page.getByRole("status").filter({ hasText: "Complete" });
  await expect(complete).toContainText(/orders updated in the last 90 days \(since \d{4}-\d{2}-\d{2}\)/, { timeout: 30_000 });
  await expect(page.getByText("Last checked", { exact: false })).toContainText("after a manual check");
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/sync-checked.png`, fullPage: true });

  // A new history sync, held mid-export; the merchant uninstalls the app meanwhile.
  expect((await control(page.request, shop, "hold", "put", { bulkAfterObjects: 1 })).ok()).toBe(true);
  try {
    await page.getByRole("button", { name: "Sync history again" }).click();
    await expect(page.getByTestId("sync-step-orders")).toHaveAttribute("data-phase", "bulk_running", { timeout: 30_000 });
    expect((await control(page.request, shop, "uninstall", "post", { clientId: "brandbase-demo" })).ok()).toBe(true);
    await expect(page.getByTestId("sync-step-orders")).toHaveAttribute("data-phase", "failed", { timeout: 30_000 });
  } finally {
    await control(page.request, shop, "hold", "delete");
  }

  // The page says why it stopped and offers Reconnect, not Retry buttons that would only fail again.
  const banner = page.getByRole("status").filter({ hasText: "The app was uninstalled from this store" });
  await expect(banner).toBeVisible();
  await expect(page.getByText(`The reason: the Brandbase app was uninstalled from ${domain}.`)).toBeVisible();
  await expect(page.getByTestId("sync-step-orders")).toContainText(`Stopped: the Brandbase app was uninstalled from ${domain}.`);
  await expect(page.getByRole("button", { name: "Retry", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Retry all/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Check again" })).toBeDisabled();
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/sync-stopped.png`, fullPage: true });

  // Reconnect goes through Shopify's consent page and back; the store is connected again.
  await banner.getByRole("button", { name: "Reconnect" }).click();
  await expect(page.getByRole("heading", { name: "Install Brandbase" })).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  await expect(page).toHaveURL(/\/settings\/stores\?connected=/);
  await expect(page.getByRole("list", { name: "Stores" })).toContainText("Connected");
  await page.goto(`/${owner.brand}/sync`);
  await expect(page.getByRole("status").filter({ hasText: "The app was uninstalled from this store" })).toHaveCount(0);
});
