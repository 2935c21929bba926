"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { authClient } from "~/lib/auth-client";
import { emailSchema } from "~/lib/validation";

/** The answer is the same whether or not the address has an account. */
export function ForgotPasswordForm({ outbox }: { outbox: boolean }) {
  const [pending, setPending] = useState(false);
  const [emailError, setEmailError] = useState<string>();
  const [error, setError] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = emailSchema.safeParse(new FormData(event.currentTarget).get("email"));
    setEmailError(email.success ? undefined : email.error.issues[0]?.message);
    if (!email.success) return;
    setPending(true);
    setError(undefined);
    const { error: failure } = await authClient.requestPasswordReset({ email: email.data, redirectTo: "/reset-password" });
    setPending(false);
    if (failure) {
      setError(failure.status === 429 ? "Too many requests from here; wait a little and try again" : (failure.message ?? "Could not send the link"));
      return;
    }
    setSentTo(email.data);
  }

  if (sentTo) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold text-slate-900">Check your email</h1>
        <Alert tone="success">
          If an account uses {sentTo}, we have emailed it a link to choose a new password. The link works for one hour.
        </Alert>
        {outbox ? (
          <Alert tone="info">This instance sends no email: the message is in the mail outbox, which instance administrators can open.</Alert>
        ) : null}
        <Link className="block text-center text-sm font-medium text-indigo-600 hover:text-indigo-500" href="/sign-in">
          Back to sign in
        </Link>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-xl font-semibold text-slate-900">Forgot your password?</h1>
      <p className="text-sm text-slate-600">Enter your account&apos;s email address and we will send you a link to choose a new one.</p>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" error={emailError} required />
      <Button type="submit" className="w-full" loading={pending}>
        Send reset link
      </Button>
      <p className="text-center text-sm text-slate-500">
        Remembered it?{" "}
        <Link className="font-medium text-indigo-600 hover:text-indigo-500" href="/sign-in">
          Sign in
        </Link>
      </p>
    </form>
  );
}
