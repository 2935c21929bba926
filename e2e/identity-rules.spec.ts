import { expect, type Page, test } from "@playwright/test";
import { signUpOwnerWithBrand } from "./helpers";

const SHOTS = process.env.E2E_SCREENSHOTS;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

test("Identity rules: an admin blocks test emails (a wrong one is named) and changes a per-person limit; the rules stay after a reload", async ({ page }) => {
  const owner = await signUpOwnerWithBrand(page);
  await page.goto(`/${owner.brand}`);
  await page.getByRole("link", { name: "Identity rules" }).first().click();
  await expect(page.getByRole("heading", { name: "Identity rules" })).toBeVisible();
  const userIds = page.getByLabel("User ids: at most, per person");
  await expect(userIds).toHaveValue("1");
  await expect(page.getByLabel("Email addresses: at most, per person")).toHaveValue("");

  await page.getByLabel("One email per line").fill("QA@OurBrand.example\nnot an email");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText('"not an email" is not an email address')).toBeVisible();

  await page.getByLabel("One email per line").fill("QA@OurBrand.example\norders@ourbrand.example");
  await page.getByLabel("Phone numbers: at most, per person").fill("2");
  await userIds.fill("");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await shot(page, "identity-rules");

  await page.reload();
  await expect(page.getByLabel("One email per line")).toHaveValue("orders@ourbrand.example\nqa@ourbrand.example");
  await expect(page.getByLabel("Phone numbers: at most, per person")).toHaveValue("2");
  await expect(page.getByLabel("User ids: at most, per person")).toHaveValue("");
});
