"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { z } from "zod";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { NewPasswordField } from "./new-password-field";
import { authClient } from "~/lib/auth-client";
import { safeRedirectPath } from "~/lib/safe-redirect";
import { emailSchema, fieldErrors, passwordSchema, personNameSchema } from "~/lib/validation";

const signUpSchema = z.object({ name: personNameSchema, email: emailSchema, password: passwordSchema });

export function SignUpForm({ next }: { next: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    const parsed = signUpSchema.safeParse(form);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setPending(true);
    // The verification email (sent when SMTP is configured) brings them back where they were going.
    const { error } = await authClient.signUp.email({ ...parsed.data, callbackURL: next });
    setPending(false);
    if (error) {
      const code = error.code ?? "";
      if (code.includes("ALREADY_EXISTS")) setErrors({ email: "An account with this email already exists — sign in instead" });
      else if (code === "WEAK_PASSWORD" || code.includes("PASSWORD")) setErrors({ password: error.message ?? "Choose a stronger password" });
      else if (code.includes("EMAIL")) setErrors({ email: error.message ?? "Enter a valid email address" });
      else setErrors({ form: error.message ?? "Could not create the account" });
      return;
    }
    // Checked again here: the prop is already safe, but this is the line that navigates.
    router.push(safeRedirectPath(next));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-xl font-semibold text-slate-900">Create your account</h1>
      {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
      <TextField label="Name" name="name" autoComplete="name" error={errors.name} required />
      <TextField label="Email" name="email" type="email" autoComplete="email" error={errors.email} required />
      <NewPasswordField error={errors.password} />
      <Button type="submit" className="w-full" loading={pending}>
        Create account
      </Button>
      <p className="text-center text-sm text-slate-500">
        Already have an account?{" "}
        <Link className="font-medium text-indigo-600 hover:text-indigo-500" href={`/sign-in?next=${encodeURIComponent(next)}`}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
