import { getDb } from "../../db/client";
import { getInfra } from "../../infra";
import { createJobProducer } from "../../jobs/queue";
import { getLogger } from "../../logger";
import { type ComposedMail, passwordResetMail, verificationMail } from "./compose";
import { sendMail } from "./outbox";
import { emailVerificationRequired, getMailSettings } from "./settings";

/**
 * Not awaited by better-auth's endpoints: "reset my password" answers in the same time whether
 * the address has an account or not. The message is still committed before it is delivered.
 */
function sendInBackground(mail: ComposedMail): void {
  const log = getLogger();
  const deps = { db: getDb(), jobs: createJobProducer(getInfra().queue), log, settings: getMailSettings() };
  void sendMail(deps, mail).catch((err: unknown) => log.error({ err, kind: mail.kind }, "could not store an account email"));
}

/** better-auth's `emailAndPassword.sendResetPassword`. */
export async function sendPasswordResetEmail(input: { user: { email: string; name: string }; url: string }): Promise<void> {
  sendInBackground(passwordResetMail({ to: input.user.email, name: input.user.name, link: input.url }));
}

/**
 * better-auth's `emailVerification.sendVerificationEmail`. Without SMTP nobody could receive it
 * and nothing asks for a verified address, so nothing is sent.
 */
export async function sendVerificationEmail(input: { user: { email: string; name: string }; url: string }): Promise<void> {
  if (!emailVerificationRequired(getMailSettings())) return;
  sendInBackground(verificationMail({ to: input.user.email, name: input.user.name, link: input.url }));
}
