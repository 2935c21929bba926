import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * `outbox`: kept here because no SMTP server is configured (the development mail sink);
 * `queued` → `sending` → `sent` | `failed` when SMTP delivers it.
 */
export const MAIL_STATUSES = ["outbox", "queued", "sending", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const MAIL_KINDS = ["invitation", "password_reset", "email_verification"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * Every message we send, committed before it is delivered (transactional outbox): losing Redis
 * or a worker loses no mail. Without SMTP it is also the outbox instance administrators read.
 */
export const mailMessages = pgTable(
  "mail_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: MAIL_KINDS }).notNull(),
    toAddress: text().notNull(),
    fromAddress: text().notNull(),
    subject: text().notNull(),
    /** Bodies hold a placeholder where the secret link goes (see secretLink). */
    text: text().notNull(),
    html: text(),
    /**
     * The message's one secret link (invitation, password reset, verification), kept apart from
     * the bodies so it can be erased once an SMTP server has accepted the message: after that
     * nobody reading this table, instance administrators included, can use it.
     */
    secretLink: text(),
    status: text({ enum: MAIL_STATUSES }).notNull(),
    /** Delivery attempts that reached the SMTP server. */
    attempts: integer().notNull().default(0),
    /** The last delivery error (kept for transient errors that were retried, too). */
    error: text(),
    /** The Message-ID header, fixed per message so a receiving server can tell a duplicate. */
    messageIdHeader: text().notNull(),
    /** The SMTP server's answer when it accepted the message. */
    smtpResponse: text(),
    /** The brand a message is about (invitations), for the campaigns that will reuse this table. */
    brandId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the current or last attempt started. */
    sendingAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("mail_messages_newest").on(t.createdAt.desc(), t.id.desc()),
    // The sweeper looks for queued messages whose job was lost with Redis.
    index("mail_messages_queued").on(t.createdAt).where(sql`${t.status} = 'queued'`),
  ],
);
