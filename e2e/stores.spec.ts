import { expect, test } from "@playwright/test";
import { connectStore, createShop, EMULATOR, signUpOwnerWithBrand } from "./helpers";

test("an owner connects a Shopify store through its consent page; uninstalling on Shopify shows; reconnect and disconnect work", async ({ page }) => {
  const owner = await signUpOwnerWithBrand(page);
  const { shop, domain } = await createShop(page.request);
  await page.goto(`/${owner.brand}/settings/stores`);
  await expect(page.getByText("No store yet")).toBeVisible();

  // A malformed domain is explained without leaving the page.
  await page.getByLabel("Shop domain").fill("not a shop!");
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page.getByText("Enter your store's Shopify domain, like your-store.myshopify.com")).toBeVisible();

  await connectStore(page, shop);
  await expect(page.getByText(`${domain} is connected`)).toBeVisible();
  const stores = page.getByRole("list", { name: "Stores" });
  await expect(stores).toContainText(domain);
  await expect(stores).toContainText("Connected");
  // The recent sync runs in the sync worker against the shop: its numbers appear.
  await expect(async () => {
    await page.reload();
    // Some orders, whichever sync got there first ("3,000 orders" must count: not a "0 orders" substring test).
    await expect(page.getByTestId("synced-counts")).toContainText(/(^|[^\d,])[1-9][\d,]* orders/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // The synced orders show on the Overview (chart and figures) and in the Orders list.
  await page.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("figure", { name: /^Revenue per day in [A-Z]{3}/ })).toBeVisible();
  await expect(page.getByText(/^Net of refunds \([A-Z]{3}\)$/)).toBeVisible();
  await page.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("table", { name: "Orders" }).getByRole("row").nth(1)).toContainText("#");
  // The catalog comes with the history sync (it did not change in the last days the recent sync reads).
  await page.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Products" }).click();
  await expect(page.getByRole("table", { name: "Products" }).getByRole("row").nth(1)).toBeVisible({ timeout: 30_000 });
  await page.goto(`/${owner.brand}/settings/stores`);

  // The merchant uninstalls the app on Shopify: app/uninstalled reaches our endpoint, the worker applies it.
  const uninstall = await page.request.post(`${EMULATOR}/_emulator/shops/${shop}/uninstall`, { data: { clientId: "brandbase-demo" } });
  expect(uninstall.ok()).toBe(true);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("list", { name: "Stores" })).toContainText("Uninstalled", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await connectStore(page, shop);
  await expect(stores).toContainText("Connected");

  // The history sync's progress widget has said "done" and gone (it would sit over the list).
  await expect(page.getByTestId("sync-widget")).toBeHidden({ timeout: 30_000 });
  page.once("dialog", (d) => void d.accept());
  await stores.getByRole("button", { name: "Disconnect" }).click();
  await expect(stores).toContainText("Disconnected");
});
