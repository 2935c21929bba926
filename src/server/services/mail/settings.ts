import { getEnv } from "../../env";

/** How mail leaves this instance: through SMTP, or not at all (it stays in the outbox). */
export interface MailSettings {
  transport: "smtp" | "outbox";
  from: string;
  /** Links in messages point here. */
  appUrl: string;
}

export function getMailSettings(): MailSettings {
  const env = getEnv();
  return { transport: env.SMTP_URL ? "smtp" : "outbox", from: env.MAIL_FROM, appUrl: env.APP_URL };
}

/**
 * Verification is only asked for when mail can reach people: without SMTP (development, the
 * demo) nobody would receive the link, so addresses count as they are.
 */
export function emailVerificationRequired(settings: MailSettings): boolean {
  return settings.transport === "smtp";
}
