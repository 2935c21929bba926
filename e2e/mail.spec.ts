import { expect, type Page, test } from "@playwright/test";
import { PASSWORD, runId, signIn, signInAsNewInstanceAdmin, signUp } from "./helpers";

/** In the outbox, opens the newest message with `subject` to `to`; answers the link in its text. */
async function linkFromOutbox(admin: Page, opts: { to: string; subject: string; linkPattern: RegExp }): Promise<string> {
  await admin.goto("/admin/mail");
  await expect(admin.getByText("No SMTP server is configured")).toBeVisible();
  const row = admin.getByRole("table", { name: "Mail messages" }).getByRole("row").filter({ hasText: opts.to });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("In outbox");
  await row.getByRole("link", { name: opts.subject }).click();
  await expect(admin.getByRole("heading", { name: opts.subject })).toBeVisible();
  await expect(admin.getByText(opts.to, { exact: true })).toBeVisible();
  const link = admin.getByLabel("Message text").getByRole("link", { name: opts.linkPattern });
  await expect(admin.frameLocator('iframe[title="Message HTML"]').getByRole("link").first()).toBeVisible();
  return (await link.getAttribute("href"))!;
}

test("an invitation travels through the outbox: an instance administrator follows its link, the invitee signs up and accepts", async ({ browser }) => {
  const id = runId();
  const mateEmail = `invitee-${id}@example.test`;
  const subject = `You're invited to join Brand ${id} on Brandbase`;

  // Owner: a brand, and an invitation. With no SMTP the form says where the email went.
  const owner = await (await browser.newContext()).newPage();
  await owner.goto("/sign-up");
  await signUp(owner, { name: "Olivia Owner", email: `owner-${id}@example.test` });
  await owner.getByLabel("Brand name").fill(`Brand ${id}`);
  await owner.getByRole("button", { name: "Create brand" }).click();
  await expect(owner).toHaveURL(new RegExp(`/brand-${id}$`));
  await owner.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Members" }).click();
  await owner.getByLabel("Email").fill(mateEmail);
  await owner.getByRole("button", { name: "Send invite" }).click();
  await expect(owner.getByText("This instance sends no email (the invitation is in its mail outbox)")).toBeVisible();
  // A brand owner is not an instance administrator: no outbox in the navigation, none behind its URL.
  await expect(owner.getByRole("link", { name: "Mail outbox" })).toHaveCount(0);
  await owner.goto("/admin/mail");
  await expect(owner.getByText("Instance administrators only")).toBeVisible();
  await expect(owner.getByRole("table", { name: "Mail messages" })).toHaveCount(0);

  // Instance administrator: the outbox has the invitation; its link opens the invitation.
  const admin = await (await browser.newContext()).newPage();
  await signInAsNewInstanceAdmin(admin);
  await admin.getByRole("link", { name: "Mail outbox" }).click();
  const link = await linkFromOutbox(admin, { to: mateEmail, subject, linkPattern: /\/invite\// });
  expect(link).toMatch(/\/invite\/[\w-]{40,}$/);
  await admin.getByLabel("Message text").getByRole("link", { name: /\/invite\// }).click();
  await expect(admin.getByRole("heading", { name: `Join Brand ${id}` })).toBeVisible();
  await expect(admin.getByText("This invitation is for another address")).toBeVisible();

  // Invitee: the link from the email, a new account, accepted.
  const mate = await (await browser.newContext()).newPage();
  await mate.goto(link);
  await mate.getByRole("link", { name: "Create account" }).click();
  await signUp(mate, { name: "Ivy Invitee", email: mateEmail });
  await expect(mate).toHaveURL(/\/invite\//);
  await mate.getByRole("button", { name: "Accept invitation" }).click();
  await expect(mate).toHaveURL(new RegExp(`/brand-${id}$`));
  await expect(mate.getByRole("heading", { name: `Brand ${id}` })).toBeVisible();
});

test("forgot password: the reset email is in the outbox, its link sets a new password, which signs in", async ({ browser }) => {
  const email = `forgetful-${runId()}@example.test`;
  const newPassword = "new-battery-staple-7";

  const user = await (await browser.newContext()).newPage();
  await user.goto("/sign-up");
  await signUp(user, { name: "Fergus Forgetful", email });
  await expect(user).toHaveURL(/\/brands$/);
  await user.getByRole("button", { name: "Sign out" }).click();

  await expect(user).toHaveURL(/\/sign-in$/);
  await user.getByRole("link", { name: "Forgot password?" }).click();
  // The sign-in page has an Email field too: fill only once the forgot-password page is there.
  await expect(user.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await user.getByLabel("Email").fill(email);
  await user.getByRole("button", { name: "Send reset link" }).click();
  await expect(user.getByText(`If an account uses ${email}, we have emailed it a link`)).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await signInAsNewInstanceAdmin(admin);
  const link = await linkFromOutbox(admin, { to: email, subject: "Reset your Brandbase password", linkPattern: /\/reset-password\// });

  await user.goto(link);
  await expect(user).toHaveURL(/\/reset-password\?token=/);
  await user.getByLabel("New password", { exact: true }).fill("aaaaaaaaaaaa");
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user.getByText("Password must mix letters with digits or symbols")).toBeVisible();
  await user.getByLabel("New password", { exact: true }).fill(newPassword);
  await user.getByLabel("Repeat the new password").fill(newPassword);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user).toHaveURL(/\/sign-in\?reset=1$/);
  await expect(user.getByText("Your password has been changed. Sign in with the new one.")).toBeVisible();

  await user.getByLabel("Email").fill(email);
  await user.getByLabel("Password").fill(PASSWORD);
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(user.getByText("Wrong email or password")).toBeVisible();
  await signIn(user, { email, password: newPassword });

  // The link worked once.
  await user.goto(link);
  await expect(user.getByText("This reset link cannot be used")).toBeVisible();
});
