import { expect, test } from "@playwright/test";
import { runId, signUp } from "./helpers";

test("sign-up explains what is wrong with each field", async ({ page }) => {
  const id = runId();
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill("ada@");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address, like name@example.com")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();

  await signUp(page, { name: "Ada", email: `ada-${id}@example.test` });
  await expect(page).toHaveURL(/\/brands$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goto("/sign-up");
  await signUp(page, { name: "Ada again", email: `ada-${id}@example.test` });
  await expect(page.getByText("An account with this email already exists — sign in instead")).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(`ada-${id}@example.test`);
  await page.getByLabel("Password").fill("wrong-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password")).toBeVisible();
});

test("owner invites an analyst, whose access follows the role the owner gives", async ({ browser }) => {
  // Two accounts, three brands' worth of pages: about 30 s on a quiet machine, more on a busy one.
  test.slow();
  const id = runId();
  const mateEmail = `mate-${id}@example.test`;
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();

  // Owner: sign up, create a brand.
  await owner.goto("/");
  await expect(owner).toHaveURL(/\/sign-in$/);
  await owner.getByRole("link", { name: "Create an account" }).click();
  await signUp(owner, { name: "Olivia Owner", email: `owner-${id}@example.test` });
  await expect(owner.getByText("Create your first brand")).toBeVisible();
  await owner.getByLabel("Brand name").fill(`Brand ${id}`);
  await owner.getByRole("button", { name: "Create brand" }).click();
  await expect(owner).toHaveURL(new RegExp(`/brand-${id}$`));
  const slug = `brand-${id}`;
  await expect(owner.getByRole("heading", { name: `Brand ${id}` })).toBeVisible();

  // Owner: invite the teammate as analyst; inviting themselves is refused with a field error.
  const ownerNav = owner.getByRole("navigation", { name: "Brand" });
  await ownerNav.getByRole("link", { name: "Members" }).click();
  await owner.getByLabel("Email").fill(`owner-${id}@example.test`);
  await owner.getByRole("button", { name: "Send invite" }).click();
  await expect(owner.getByText(`owner-${id}@example.test is already a member of this brand`)).toBeVisible();
  await owner.getByLabel("Email").fill(mateEmail);
  await owner.getByLabel("Role").selectOption("analyst");
  await owner.getByRole("button", { name: "Send invite" }).click();
  const link = await owner.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]+$/);
  await expect(owner.getByRole("list", { name: "Pending invitations" })).toContainText(mateEmail);

  // Teammate, in another browser context: open the link, create the account, accept.
  const mateContext = await browser.newContext();
  const mate = await mateContext.newPage();
  await mate.goto(link);
  await expect(mate.getByRole("heading", { name: `Join Brand ${id}` })).toBeVisible();
  await mate.getByRole("link", { name: "Create account" }).click();
  await signUp(mate, { name: "Max Mate", email: mateEmail });
  await expect(mate).toHaveURL(/\/invite\//);
  await mate.getByRole("button", { name: "Accept invitation" }).click();
  await expect(mate).toHaveURL(new RegExp(`/${slug}$`));

  // Analyst: reads, but the admin-only actions are not offered (the server refuses them too).
  const mateNav = mate.getByRole("navigation", { name: "Brand" });
  await mateNav.getByRole("link", { name: "Queue health" }).click();
  await expect(mate.getByText("Instance administrators can send a test job through a queue.")).toBeVisible();
  await expect(mate.getByRole("button", { name: "Send test job" })).toHaveCount(0);
  await mateNav.getByRole("link", { name: "Members" }).click();
  await expect(mate.getByText("Only owners can invite, remove or change the role of members.")).toBeVisible();
  await expect(mate.getByRole("button", { name: "Send invite" })).toHaveCount(0);
  await expect(mate.getByRole("table", { name: "Members" })).toContainText("Olivia Owner");

  // Owner promotes the analyst to admin; it takes effect for the teammate.
  await owner.reload();
  await owner.getByLabel(`Role of ${mateEmail}`).selectOption("admin");
  await expect(owner.getByLabel(`Role of ${mateEmail}`)).toHaveValue("admin");
  await mate.goto(`/${slug}/queues`);
  // As an admin: failed jobs can be retried and discarded; test jobs stay for instance administrators.
  await expect(mate.getByText("as an admin of this brand you can retry or discard its failed jobs")).toBeVisible();
  await expect(mate.getByRole("button", { name: "Send test job" })).toHaveCount(0);
  await expect(mate.getByText("Admin", { exact: true })).toBeVisible();

  // A brand the teammate does not belong to is closed to them.
  await owner.goto("/brands");
  await owner.getByLabel("Brand name").fill(`Private ${id}`);
  await owner.getByRole("button", { name: "Create brand" }).click();
  await expect(owner).toHaveURL(new RegExp(`/private-${id}$`));
  await mate.goto(`/private-${id}/queues`);
  await expect(mate.getByText("You don't have access to this brand")).toBeVisible();

  await ownerContext.close();
  await mateContext.close();
});
