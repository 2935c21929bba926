import type { Metadata } from "next";
import { ForgotPasswordForm } from "~/components/auth/forgot-password-form";
import { getMailSettings } from "~/server/services/mail/settings";

export const metadata: Metadata = { title: "Forgot password" };
export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm outbox={getMailSettings().transport === "outbox"} />;
}
