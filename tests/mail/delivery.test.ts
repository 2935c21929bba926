import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { isRetryable } from "~/server/errors";
import { mailMessages } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { passwordResetMail } from "~/server/services/mail/compose";
import { deliverMail, UNKNOWN_OUTCOME } from "~/server/services/mail/deliver";
import { emailJobId, queueMail, requeueQueuedMail, sendMail } from "~/server/services/mail/outbox";
import type { MailSettings } from "~/server/services/mail/settings";
import { createSmtpTransport, type MailTransport } from "~/server/services/mail/smtp";
import { startWorkers } from "~/workers/runtime";
import { eventually, processInfra, servicesReady } from "../helpers/context";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";

const log = getLogger();
const OUTBOX: MailSettings = { transport: "outbox", from: "Brandbase <no-reply@brandbase.test>", appUrl: "http://localhost:3000" };
const SMTP: MailSettings = { ...OUTBOX, transport: "smtp" };

const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
const resetMail = (to: string) => passwordResetMail({ to, name: "Ada", link: `http://localhost:3000/api/auth/reset-password/${randomUUID()}?callbackURL=%2Freset-password` });
const row = async (id: string) => (await getDb().select().from(mailMessages).where(eq(mailMessages.id, id)))[0]!;

describe.skipIf(!servicesReady)("mail delivery", () => {
  let infra: Infra;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    smtp = await startSmtpServer({
      reject: (rcpt, attempt) =>
        rcpt.startsWith("bounce-")
          ? { code: 550, message: "5.1.1 No such user here" }
          : rcpt.startsWith("greylisted-") && attempt === 1
            ? { code: 451, message: "4.7.1 Greylisted, try again later" }
            : rcpt.startsWith("busy-")
              ? { code: 452, message: "4.3.1 Mailbox busy" }
              : undefined,
    });
    transport = createSmtpTransport(smtp.url);
    infra = processInfra();
  });
  afterAll(async () => {
    transport.close();
    await infra.close();
    await smtp.close();
    process.env = savedEnv;
    resetEnvCache();
  });

  it("without SMTP keeps the message in the outbox: committed, never queued", async () => {
    const to = address("outbox");
    const mail = await sendMail({ db: getDb(), jobs: createJobProducer(infra.queue), log, settings: OUTBOX }, resetMail(to));
    expect(mail.status).toBe("outbox");
    const stored = await row(mail.id);
    expect(stored).toMatchObject({ status: "outbox", toAddress: to, subject: "Reset your Brandbase password", attempts: 0 });
    expect(stored.secretLink).toMatch(/^http:\/\/localhost:3000\/api\/auth\/reset-password\//);
    expect(await infra.queue.getJob("send", emailJobId(mail.id))).toBeNull();
    // Even a stray job for it sends nothing.
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 1 })).resolves.toEqual({ outcome: "not-for-smtp" });
    expect(smtp.to(to)).toHaveLength(0);
  });

  it("with SMTP, the send worker delivers the committed message and erases its secret link", async () => {
    process.env.SMTP_URL = smtp.url;
    process.env.MAIL_FROM = SMTP.from;
    resetEnvCache();
    const workers = startWorkers({ infra, log }, { queues: ["send"], graceMs: 1_000 });
    try {
      const to = address("worker");
      const composed = resetMail(to);
      const mail = await sendMail({ db: getDb(), jobs: createJobProducer(infra.queue), log, settings: SMTP }, composed);
      expect(mail.status).toBe("queued");
      const sent = await eventually(async () => {
        const r = await row(mail.id);
        return r.status === "sent" ? r : null;
      }, { label: "the message to be sent" });
      expect(sent).toMatchObject({ attempts: 1, error: null, secretLink: null });
      expect(sent.sentAt).toBeInstanceOf(Date);
      expect(sent.smtpResponse).toMatch(/^250/);
      const [received] = smtp.to(to);
      expect(smtp.to(to)).toHaveLength(1);
      expect(received!.from).toBe("no-reply@brandbase.test");
      expect(received!.decoded).toContain("Subject: Reset your Brandbase password");
      expect(received!.decoded).toContain(`Message-ID: ${sent.messageIdHeader}`);
      expect(received!.decoded).toContain(composed.secretLink);
    } finally {
      await workers.stop();
    }
  });

  it("never sends a message twice when its job runs again", async () => {
    const to = address("twice");
    const mail = await queueMail({ db: getDb(), settings: SMTP }, resetMail(to));
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 1 })).resolves.toEqual({ outcome: "sent" });
    // A retry of the same job (e.g. its completion was lost with the worker), or a duplicate job.
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 2 })).resolves.toEqual({ outcome: "already-sent" });
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 1 })).resolves.toEqual({ outcome: "already-sent" });
    expect(smtp.to(to)).toHaveLength(1);
    expect((await row(mail.id)).attempts).toBe(1);
  });

  it("does not resend a message whose earlier attempt died while the server had it", async () => {
    const to = address("unknown");
    const mail = await queueMail({ db: getDb(), settings: SMTP }, resetMail(to));
    // The state a worker killed between handing the message over and recording the answer leaves.
    await getDb().update(mailMessages).set({ status: "sending", sendingAt: new Date(), attempts: 1 }).where(eq(mailMessages.id, mail.id));
    const error = await deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 2 }).catch((e: unknown) => e);
    // A domain error the queue processor will not retry.
    expect(isRetryable(error)).toBe(false);
    expect(await row(mail.id)).toMatchObject({ status: "failed", error: UNKNOWN_OUTCOME });
    expect(smtp.to(to)).toHaveLength(0);
  });

  it("fails a message the server refuses for good at once, and says why", async () => {
    const to = address("bounce");
    const mail = await queueMail({ db: getDb(), settings: SMTP }, resetMail(to));
    const error = await deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 1 }).catch((e: unknown) => e);
    expect(isRetryable(error)).toBe(false);
    const failed = await row(mail.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.error).toMatch(/550.*No such user/);
    expect(failed.failedAt).toBeInstanceOf(Date);
    // The link was never used: it stays for an administrator to see why, and is not erased.
    expect(failed.secretLink).not.toBeNull();
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 2 })).resolves.toEqual({ outcome: "already-failed" });
    expect(smtp.to(to)).toHaveLength(0);
  });

  it("retries a transient refusal, then delivers; gives up after the last attempt", async () => {
    const grey = address("greylisted");
    const mail = await queueMail({ db: getDb(), settings: SMTP }, resetMail(grey));
    const first = await deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 1 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(isRetryable(first)).toBe(true);
    expect(await row(mail.id)).toMatchObject({ status: "queued", error: expect.stringMatching(/451.*Greylisted/) });
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: mail.id, attempt: 2 })).resolves.toEqual({ outcome: "sent" });
    expect(await row(mail.id)).toMatchObject({ status: "sent", attempts: 2, error: null });
    expect(smtp.to(grey)).toHaveLength(1);

    const busy = await queueMail({ db: getDb(), settings: SMTP }, resetMail(address("busy")));
    await expect(deliverMail({ db: getDb(), transport, log }, { messageId: busy.id, attempt: 3, maxAttempts: 3 })).rejects.toThrow(/452/);
    expect(await row(busy.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/Mailbox busy/) });
  });

  it("queues again a committed message whose job was lost with Redis, once", async () => {
    const mail = await queueMail({ db: getDb(), settings: SMTP }, resetMail(address("lost")));
    await getDb().update(mailMessages).set({ createdAt: new Date(Date.now() - 120_000) }).where(eq(mailMessages.id, mail.id));
    const deps = { db: getDb(), jobs: createJobProducer(infra.queue), queue: infra.queue, log };
    expect(await infra.queue.getJob("send", emailJobId(mail.id))).toBeNull();
    expect(await requeueQueuedMail(deps, { olderThanMs: 60_000, limit: 10_000 })).toBeGreaterThanOrEqual(1);
    expect(await infra.queue.getJob("send", emailJobId(mail.id))).toMatchObject({ name: "email", data: { messageId: mail.id } });
    expect(await requeueQueuedMail(deps, { olderThanMs: 60_000, limit: 10_000 })).toBe(0);
  });
});
