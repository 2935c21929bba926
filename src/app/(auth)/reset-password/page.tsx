import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "~/components/auth/reset-password-form";
import { Alert } from "~/components/ui/alert";

export const metadata: Metadata = { title: "Choose a new password" };

/** better-auth's emailed link lands here with `?token=` (or `?error=INVALID_TOKEN` when it is stale). */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token, error } = await searchParams;
  if (typeof token !== "string" || !token || error) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold text-slate-900">Choose a new password</h1>
        <Alert tone="error" title="This reset link cannot be used">
          It has expired, was already used, or is incomplete.
        </Alert>
        <Link className="block text-center text-sm font-medium text-indigo-600 hover:text-indigo-500" href="/forgot-password">
          Ask for a new link
        </Link>
      </div>
    );
  }
  return <ResetPasswordForm token={token} />;
}
