import { randomUUID } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { mailMessages, type MailStatus } from "../../db/schema";
import type { QueuePort } from "../../infra/queue/port";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import type { ComposedMail } from "./compose";
import type { MailSettings } from "./settings";

/** SMTP attempts per message before it is marked failed (5 s, 10 s, 20 s … apart: ~5 minutes in all). */
export const EMAIL_ATTEMPTS = 7;
const EMAIL_BACKOFF_MS = 5_000;

export interface QueuedMail {
  id: string;
  status: MailStatus;
}

export const emailJobId = (messageId: string) => `email-${messageId}`;

/**
 * Commits a message (inside the caller's transaction when given one): `queued` for SMTP,
 * `outbox` when there is no SMTP server. Delivery starts with dispatchMail, after the commit.
 */
export async function queueMail(deps: { db: Db | Tx; settings: MailSettings }, mail: ComposedMail): Promise<QueuedMail> {
  const id = randomUUID();
  const status: MailStatus = deps.settings.transport === "smtp" ? "queued" : "outbox";
  await deps.db.insert(mailMessages).values({
    id,
    kind: mail.kind,
    toAddress: mail.to,
    fromAddress: deps.settings.from,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    secretLink: mail.secretLink ?? null,
    status,
    messageIdHeader: `<${id}@${new URL(deps.settings.appUrl).hostname}>`,
    brandId: mail.brandId ?? null,
  });
  return { id, status };
}

/**
 * Queues the delivery job of a committed message. A Redis failure is logged, not thrown: the
 * message is already safe in Postgres and the sweeper (send/requeueEmails) queues it again.
 */
export async function dispatchMail(deps: { jobs: JobProducer; log: Logger }, mail: QueuedMail): Promise<void> {
  if (mail.status !== "queued") {
    deps.log.info({ mailId: mail.id }, "mail kept in the outbox (no SMTP configured)");
    return;
  }
  try {
    await deps.jobs.enqueue("send", "email", { messageId: mail.id }, { jobId: emailJobId(mail.id), attempts: EMAIL_ATTEMPTS, backoffMs: EMAIL_BACKOFF_MS });
    deps.log.info({ mailId: mail.id }, "mail queued for delivery");
  } catch (err) {
    deps.log.error({ err, mailId: mail.id }, "mail committed but not queued; the sweeper will queue it");
  }
}

/** Commit, then queue: for callers outside a transaction of their own. */
export async function sendMail(deps: { db: Db; jobs: JobProducer; log: Logger; settings: MailSettings }, mail: ComposedMail): Promise<QueuedMail> {
  const queued = await queueMail(deps, mail);
  await dispatchMail(deps, queued);
  return queued;
}

/**
 * Queues `queued` messages that have no job (committed while Redis was down, or lost with it).
 * A message whose job is still in the queue (waiting, retrying, failed) is left to it.
 */
export async function requeueQueuedMail(deps: { db: Db; jobs: JobProducer; queue: QueuePort; log: Logger }, input: { olderThanMs: number; limit: number }): Promise<number> {
  const stale = await deps.db
    .select({ id: mailMessages.id })
    .from(mailMessages)
    .where(and(eq(mailMessages.status, "queued"), lt(mailMessages.createdAt, new Date(Date.now() - input.olderThanMs))))
    .orderBy(mailMessages.createdAt)
    .limit(input.limit);
  let queued = 0;
  for (const { id } of stale) {
    if (await deps.queue.getJob("send", emailJobId(id))) continue;
    await deps.jobs.enqueue("send", "email", { messageId: id }, { jobId: emailJobId(id), attempts: EMAIL_ATTEMPTS, backoffMs: EMAIL_BACKOFF_MS });
    queued++;
  }
  if (queued) deps.log.warn({ queued }, "mail requeued after its job was lost");
  return queued;
}
