import { Writable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "~/server/deps";
import { createCaller } from "~/server/api/root";
import { getAuth, getSessionUser } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { mailMessages, user as users } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { startWorkers } from "~/workers/runtime";
import { callerFor, createUser, eventually, processInfra, servicesReady } from "../helpers/context";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";

const tokenOf = (url: string) => url.split("/").pop()!;

async function mailTo(address: string, kind: "invitation" | "password_reset" | "email_verification") {
  return getDb()
    .select()
    .from(mailMessages)
    .where(and(eq(mailMessages.toAddress, address), eq(mailMessages.kind, kind)));
}

/** Follows a link the way a browser would hand it to better-auth; answers where it redirects. */
async function follow(link: string): Promise<URL> {
  const response = await getAuth().handler(new Request(link));
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!, link);
}

// One process-wide infra (what better-auth's mail hooks reach) for the whole file.
let infra: Infra;
const savedEnv = { ...process.env };
beforeAll(() => {
  delete process.env.SMTP_URL;
  infra = processInfra();
});
afterAll(async () => {
  await infra.close();
  process.env = savedEnv;
  resetEnvCache();
});

describe.skipIf(!servicesReady)("mail without SMTP: the outbox", () => {

  async function brandWithOwner() {
    const owner = await createUser("owner");
    const caller = callerFor(owner, infra);
    const brand = await caller.brands.create({ name: "Acme Coffee" });
    return { owner, caller, brand };
  }

  it("emails the invitation link into the outbox and never writes the link to the log", async () => {
    const { owner, brand } = await brandWithOwner();
    const lines: string[] = [];
    const log = pino({ level: "trace" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const caller = createCaller({ ...createDeps({ infra, log }), user: owner });
    const invite = await caller.members.invite({ brand: brand.slug, email: "Invitee.Outbox@Example.test", role: "admin" });
    expect(invite.delivery).toBe("outbox");

    const [message] = await mailTo("invitee.outbox@example.test", "invitation");
    expect(message).toMatchObject({ status: "outbox", subject: "You're invited to join Acme Coffee on Brandbase", brandId: brand.id, secretLink: invite.url });
    expect(lines.join("")).toContain(message!.id);
    expect(lines.join("")).not.toContain(tokenOf(invite.url));

    // No SMTP, so nobody could have verified the address: accepting does not ask for it.
    const invitee = await createUser("invitee-outbox");
    await getDb().update(users).set({ email: "invitee.outbox@example.test" }).where(eq(users.id, invitee.id));
    const mate = callerFor({ ...invitee, email: "invitee.outbox@example.test" }, infra);
    await expect(mate.invitations.accept({ token: tokenOf(invite.url) })).resolves.toMatchObject({ brandSlug: brand.slug, role: "admin" });
  });

  it("shows the instance's mail to instance administrators only, newest first, a page at a time", async () => {
    const { owner, caller, brand } = await brandWithOwner();
    const first = await caller.members.invite({ brand: brand.slug, email: "first-reader@example.test", role: "analyst" });
    await caller.members.invite({ brand: brand.slug, email: "second-reader@example.test", role: "analyst" });

    const admin = callerFor({ ...(await createUser("instance-admin")), isInstanceAdmin: true }, infra);
    const page1 = await admin.mail.list({ limit: 1 });
    expect(page1.delivery).toBe("outbox");
    expect(page1.messages).toHaveLength(1);
    expect(page1.messages[0]).toMatchObject({ to: "second-reader@example.test", kind: "invitation", status: "outbox" });
    const page2 = await admin.mail.list({ limit: 1, cursor: page1.nextCursor });
    expect(page2.messages[0]).toMatchObject({ to: "first-reader@example.test" });

    const opened = await admin.mail.get({ id: page2.messages[0]!.id });
    expect(opened.text).toContain(`Accept the invitation: ${first.url}`);
    expect(opened.html).toContain(`href="${first.url}"`);
    expect(opened).toMatchObject({ subject: "You're invited to join Acme Coffee on Brandbase", linkErased: false });

    // Brand operators, even this brand's owner, never read the instance's mail.
    const owners = callerFor(owner, infra);
    await expect(owners.mail.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(owners.mail.get({ id: opened.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(null, infra).mail.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(admin.mail.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("resets a password through the emailed link, with the sign-up password rules, without telling who has an account", async () => {
    const auth = getAuth();
    const account = await createUser("forgetful");
    const stranger = `nobody-${Date.now()}@example.test`;
    const signedIn = await auth.api.signInEmail({ body: { email: account.email, password: "correct-horse-42" }, asResponse: true });
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).not.toBeNull();
    // The app's own lookup knows the session too.
    expect(await getSessionUser(new Headers({ cookie }))).toMatchObject({ email: account.email });

    const forUnknown = await auth.api.requestPasswordReset({ body: { email: stranger, redirectTo: "/reset-password" } });
    const forKnown = await auth.api.requestPasswordReset({ body: { email: account.email, redirectTo: "/reset-password" } });
    expect(forKnown).toEqual(forUnknown);

    const [message] = await eventually(async () => {
      const rows = await mailTo(account.email, "password_reset");
      return rows.length ? rows : null;
    }, { label: "the reset email" });
    expect(await mailTo(stranger, "password_reset")).toEqual([]);
    expect(message!.status).toBe("outbox");

    const landing = await follow(message!.secretLink!);
    expect(landing.pathname).toBe("/reset-password");
    const token = landing.searchParams.get("token")!;
    await expect(auth.api.resetPassword({ body: { token, newPassword: "aaaaaaaaaaaa" } })).rejects.toMatchObject({
      body: { code: "WEAK_PASSWORD", message: "Password must mix letters with digits or symbols" },
    });
    await auth.api.resetPassword({ body: { token, newPassword: "new-battery-staple-7" } });

    await expect(auth.api.signInEmail({ body: { email: account.email, password: "correct-horse-42" } })).rejects.toMatchObject({ statusCode: 401 });
    await expect(auth.api.signInEmail({ body: { email: account.email, password: "new-battery-staple-7" } })).resolves.toMatchObject({ user: { email: account.email } });
    // The reset signed out the sessions opened with the old password, and its link works once.
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
    expect(await getSessionUser(new Headers({ cookie }))).toBeNull();
    await expect(auth.api.resetPassword({ body: { token, newPassword: "another-staple-8" } })).rejects.toMatchObject({ body: { code: "INVALID_TOKEN" } });
  });
});

describe.skipIf(!servicesReady)("mail with SMTP configured", () => {
  let smtp: TestSmtpServer;
  let workers: ReturnType<typeof startWorkers>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    process.env.SMTP_URL = smtp.url;
    process.env.MAIL_FROM = "Brandbase <no-reply@brandbase.test>";
    resetEnvCache();
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["send"], graceMs: 1_000 });
  });
  afterAll(async () => {
    await workers.stop();
    await smtp.close();
    delete process.env.SMTP_URL;
    resetEnvCache();
  });

  const received = (address: string, subject: string) =>
    eventually(async () => smtp.to(address).find((m) => m.decoded.includes(`Subject: ${subject}`)), { label: `"${subject}" for ${address}` });

  it("asks the invitee to verify their address before accepting, and lets them once they have", async () => {
    const owner = await createUser("smtp-owner");
    const ownerCaller = callerFor(owner, infra);
    const brand = await ownerCaller.brands.create({ name: "Verified Brand" });
    const invitee = await createUser("smtp-invitee");

    const invite = await ownerCaller.members.invite({ brand: brand.slug, email: invitee.email, role: "analyst" });
    expect(invite.delivery).toBe("smtp");
    const invitation = await received(invitee.email, "You're invited to join Verified Brand on Brandbase");
    expect(invitation.decoded).toContain(invite.url);
    // Delivered: the link is gone from the table.
    await eventually(async () => ((await mailTo(invitee.email, "invitation"))[0]?.secretLink === null ? true : null), { label: "the link erased" });

    const mate = callerFor(invitee, infra);
    const refused = await mate.invitations.accept({ token: tokenOf(invite.url) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "FORBIDDEN", cause: { fields: { emailVerification: expect.stringContaining(`Confirm that ${invitee.email} is yours`) } } });
    await expect(ownerCaller.members.list({ brand: brand.slug })).resolves.toHaveLength(1);

    // The verification email sent on sign-up carries the link that verifies the address.
    const verification = await received(invitee.email, "Confirm your email address for Brandbase");
    const appUrl = process.env.APP_URL!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const link = new RegExp(`${appUrl}/api/auth/verify-email\\?token=[\\w.-]+&callbackURL=[^\\s"<]+`).exec(verification.decoded)?.[0];
    expect(link).toBeDefined();
    await follow(link!);
    const [stored] = await getDb().select({ emailVerified: users.emailVerified }).from(users).where(eq(users.id, invitee.id));
    expect(stored!.emailVerified).toBe(true);

    await expect(mate.invitations.accept({ token: tokenOf(invite.url) })).resolves.toMatchObject({ brandSlug: brand.slug, role: "analyst" });
  });

  it("sends the verification email again on request", async () => {
    const account = await createUser("smtp-resend");
    await received(account.email, "Confirm your email address for Brandbase");
    await getAuth().api.sendVerificationEmail({ body: { email: account.email, callbackURL: "/brands" } });
    await eventually(async () => (smtp.to(account.email).length === 2 ? true : null), { label: "a second verification email" });
  });
});
