import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { mailMessages } from "../../db/schema";
import { AppError } from "../../errors";
import { fillSecretLink, SECRET_LINK } from "./compose";

export interface MailCursor {
  createdAt: Date;
  id: string;
}

/** Newest first, a keyset page at a time (instance administrators' outbox). */
export async function listMail(deps: { db: Db }, input: { limit: number; cursor?: MailCursor | null }) {
  const m = mailMessages;
  const after = input.cursor
    ? or(lt(m.createdAt, input.cursor.createdAt), and(eq(m.createdAt, input.cursor.createdAt), lt(m.id, input.cursor.id)))
    : undefined;
  const rows = await deps.db
    .select({
      id: m.id,
      kind: m.kind,
      to: m.toAddress,
      subject: m.subject,
      status: m.status,
      attempts: m.attempts,
      error: m.error,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
      failedAt: m.failedAt,
    })
    .from(m)
    .where(after)
    .orderBy(desc(m.createdAt), desc(m.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { messages: page, nextCursor: rows.length > input.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** One message as its recipient reads it (with its link, unless delivery has erased it). */
export async function getMail(deps: { db: Db }, input: { id: string }) {
  const [row] = await deps.db.select().from(mailMessages).where(eq(mailMessages.id, input.id)).limit(1);
  if (!row) throw new AppError("NOT_FOUND", "No message with that id");
  const body = fillSecretLink({ text: row.text, html: row.html }, row.secretLink);
  return {
    id: row.id,
    kind: row.kind,
    to: row.toAddress,
    from: row.fromAddress,
    subject: row.subject,
    text: body.text,
    html: body.html,
    linkErased: row.text.includes(SECRET_LINK) && !row.secretLink,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    smtpResponse: row.smtpResponse,
    messageIdHeader: row.messageIdHeader,
    createdAt: row.createdAt,
    sendingAt: row.sendingAt,
    sentAt: row.sentAt,
    failedAt: row.failedAt,
  };
}
