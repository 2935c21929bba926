import { expect, test } from "@playwright/test";
import { DEMO, signIn } from "./helpers";

test("an owner connects the demo Shopify store through its consent page, and disconnects it", async ({ page }) => {
  await signIn(page, DEMO);
  await page.goto(`/${DEMO.brand}/settings/stores`);
  await expect(page.getByText("No store yet")).toBeVisible();

  // A malformed domain is explained without leaving the page.
  await page.getByLabel("Shop domain").fill("not a shop!");
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page.getByText("Enter your store's Shopify domain, like your-store.myshopify.com")).toBeVisible();

  await page.getByLabel("Shop domain").fill("demo-brand");
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  // Shopify's (the emulator's) consent page.
  await expect(page.getByRole("heading", { name: "Install Brandbase" })).toBeVisible();
  await expect(page.getByText("demo-brand.myshopify.com")).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();

  await expect(page).toHaveURL(new RegExp(`/${DEMO.brand}/settings/stores\\?connected=`));
  await expect(page.getByText("demo-brand.myshopify.com is connected")).toBeVisible();
  const stores = page.getByRole("list", { name: "Stores" });
  await expect(stores).toContainText("demo-brand.myshopify.com");
  await expect(stores).toContainText("Connected");

  page.once("dialog", (d) => void d.accept());
  await stores.getByRole("button", { name: "Disconnect" }).click();
  await expect(stores).toContainText("Disconnected");
});
