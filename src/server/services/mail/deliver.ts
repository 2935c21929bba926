import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { mailMessages } from "../../db/schema";
import { AppError } from "../../errors";
import type { Logger } from "../../logger";
import { fillSecretLink } from "./compose";
import { EMAIL_ATTEMPTS } from "./outbox";
import type { MailTransport } from "./smtp";

export type DeliveryOutcome = "sent" | "already-sent" | "already-failed" | "not-for-smtp";

/** A message whose previous attempt reached the server without recording what it answered. */
export const UNKNOWN_OUTCOME =
  "A previous attempt stopped while the SMTP server had the message, so whether it arrived is unknown; it was not sent again so that it cannot arrive twice";

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

/**
 * Retrying cannot help: the server refused this message or recipient for good (5xx), or the
 * message itself is malformed. Connection failures, timeouts and 4xx replies are transient.
 */
export function isPermanentSmtpError(err: unknown): boolean {
  const e = (err ?? {}) as SmtpError;
  if (typeof e.permanent === "boolean") return e.permanent;
  if (typeof e.responseCode === "number") return e.responseCode >= 500 && e.responseCode !== 503;
  return e.code === "EENVELOPE" || e.code === "EMESSAGE" || e.code === "ECONFIG";
}

function describe(err: unknown): string {
  const e = (err ?? {}) as SmtpError;
  return (e.message ?? String(err)).slice(0, 1_000);
}

/**
 * The `send/email` job: delivers one committed message through SMTP, once. The message is
 * claimed (`queued` → `sending`) before the server sees it, so a retried or duplicated job finds
 * it `sent`, `failed` or `sending` and does not send it again. A transient failure puts it back
 * to `queued` for the job's next attempt; a permanent one, or the last attempt, marks it failed.
 */
export async function deliverMail(
  deps: { db: Db; transport: MailTransport; log: Logger },
  input: { messageId: string; attempt: number; maxAttempts?: number },
): Promise<{ outcome: DeliveryOutcome }> {
  const maxAttempts = input.maxAttempts ?? EMAIL_ATTEMPTS;
  const log = deps.log.child({ mailId: input.messageId });
  const [claimed] = await deps.db
    .update(mailMessages)
    .set({ status: "sending", sendingAt: new Date(), attempts: sql`${mailMessages.attempts} + 1` })
    .where(and(eq(mailMessages.id, input.messageId), eq(mailMessages.status, "queued")))
    .returning();

  if (!claimed) {
    const [row] = await deps.db.select({ status: mailMessages.status }).from(mailMessages).where(eq(mailMessages.id, input.messageId)).limit(1);
    if (!row) throw new AppError("NOT_FOUND", `No mail message ${input.messageId}`);
    if (row.status === "sent") return { outcome: "already-sent" };
    if (row.status === "failed") return { outcome: "already-failed" };
    if (row.status === "outbox") return { outcome: "not-for-smtp" };
    // `sending`: an earlier attempt died between handing the message over and recording the answer.
    await deps.db
      .update(mailMessages)
      .set({ status: "failed", failedAt: new Date(), error: UNKNOWN_OUTCOME })
      .where(and(eq(mailMessages.id, input.messageId), eq(mailMessages.status, "sending")));
    log.warn("mail delivery outcome unknown; not resent");
    throw new AppError("CONFLICT", UNKNOWN_OUTCOME);
  }

  const body = fillSecretLink({ text: claimed.text, html: claimed.html }, claimed.secretLink);
  let response: string;
  try {
    ({ response } = await deps.transport.send({
      from: claimed.fromAddress,
      to: claimed.toAddress,
      subject: claimed.subject,
      text: body.text,
      html: body.html,
      messageId: claimed.messageIdHeader,
    }));
  } catch (err) {
    const permanent = isPermanentSmtpError(err);
    const last = input.attempt >= maxAttempts;
    const error = describe(err);
    await deps.db
      .update(mailMessages)
      .set(permanent || last ? { status: "failed", failedAt: new Date(), error } : { status: "queued", error })
      .where(eq(mailMessages.id, input.messageId));
    log.warn({ permanent, attempt: input.attempt, error }, permanent || last ? "mail delivery failed" : "mail delivery failed; will retry");
    // The SMTP server refused for good (5xx): not retryable. Anything else is retried by the queue.
    if (permanent) throw new AppError("UNPROCESSABLE_CONTENT", error, { cause: err });
    throw err;
  }
  // Accepted: the secret link has done its job and nobody reading the table can use it now.
  await deps.db
    .update(mailMessages)
    .set({ status: "sent", sentAt: new Date(), smtpResponse: response.slice(0, 500), error: null, secretLink: null })
    .where(eq(mailMessages.id, input.messageId));
  log.info({ attempt: input.attempt }, "mail sent");
  return { outcome: "sent" };
}
