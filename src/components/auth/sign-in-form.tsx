"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { authClient } from "~/lib/auth-client";
import { safeRedirectPath } from "~/lib/safe-redirect";
import { emailSchema } from "~/lib/validation";

export function SignInForm({ next, notice }: { next: string; notice?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [emailError, setEmailError] = useState<string>();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = emailSchema.safeParse(form.get("email"));
    setEmailError(email.success ? undefined : email.error.issues[0]?.message);
    if (!email.success) return;
    setPending(true);
    setError(undefined);
    const { error: failure } = await authClient.signIn.email({ email: email.data, password: String(form.get("password") ?? "") });
    setPending(false);
    if (failure) {
      setError(
        failure.status === 429
          ? (failure.message ?? "Too many sign-in attempts; wait a little and try again")
          : failure.status === 401 || failure.code === "INVALID_EMAIL_OR_PASSWORD"
            ? "Wrong email or password"
            : (failure.message ?? "Could not sign in"),
      );
      return;
    }
    // Checked again here: the prop is already safe, but this is the line that navigates.
    router.push(safeRedirectPath(next));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      {notice && !error ? <Alert tone="success">{notice}</Alert> : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" error={emailError} required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <p className="-mt-2 text-right text-sm">
        <Link className="font-medium text-indigo-600 hover:text-indigo-500" href="/forgot-password">
          Forgot password?
        </Link>
      </p>
      <Button type="submit" className="w-full" loading={pending}>
        Sign in
      </Button>
      <p className="text-center text-sm text-slate-500">
        New here?{" "}
        <Link className="font-medium text-indigo-600 hover:text-indigo-500" href={`/sign-up?next=${encodeURIComponent(next)}`}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
