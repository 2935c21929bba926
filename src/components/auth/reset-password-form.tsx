"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { NewPasswordField } from "./new-password-field";
import { authClient } from "~/lib/auth-client";
import { passwordSchema } from "~/lib/validation";

export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<{ password?: string; confirm?: string; form?: string; expired?: boolean }>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = passwordSchema.safeParse(form.get("password") ?? "");
    const confirm = String(form.get("confirm") ?? "");
    if (!password.success) return setErrors({ password: password.error.issues[0]?.message });
    if (confirm !== password.data) return setErrors({ confirm: "The two passwords differ" });
    setErrors({});
    setPending(true);
    const { error } = await authClient.resetPassword({ newPassword: password.data, token });
    setPending(false);
    if (error) {
      if (error.code === "INVALID_TOKEN") return setErrors({ expired: true });
      if (error.code === "WEAK_PASSWORD" || error.code?.includes("PASSWORD")) return setErrors({ password: error.message ?? "Choose a stronger password" });
      return setErrors({ form: error.message ?? "Could not change the password" });
    }
    router.push("/sign-in?reset=1");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-xl font-semibold text-slate-900">Choose a new password</h1>
      {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
      {errors.expired ? (
        <Alert tone="error" title="This reset link cannot be used">
          It has expired or was already used. <Link className="font-semibold underline" href="/forgot-password">Ask for a new link</Link>.
        </Alert>
      ) : null}
      <NewPasswordField label="New password" error={errors.password} />
      <TextField label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" error={errors.confirm} required />
      <Button type="submit" className="w-full" loading={pending}>
        Change password
      </Button>
      <p className="text-center text-sm text-slate-500">Every device signed in to this account is signed out.</p>
    </form>
  );
}
