"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { BRAND_ROLES, type BrandRole, ROLE_LABELS } from "~/lib/roles";
import { describeError, useTRPC } from "~/lib/trpc";
import { emailSchema } from "~/lib/validation";

export function InviteForm() {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [emailError, setEmailError] = useState<string>();
  const [copied, setCopied] = useState(false);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey({ brand: brand.slug }) }),
    }),
  );
  const server = describeError(invite.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = emailSchema.safeParse(form.get("email"));
    setEmailError(email.success ? undefined : email.error.issues[0]?.message);
    setCopied(false);
    if (email.success) invite.mutate({ brand: brand.slug, email: email.data, role: form.get("role") as BrandRole });
  }

  return (
    <Card>
      <CardHeader title="Invite a teammate" description="They get an email with a link to join this brand with the role you choose." />
      <CardBody className="space-y-4">
        <form onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end" noValidate>
          <TextField label="Email" name="email" type="email" placeholder="teammate@brand.com" error={emailError ?? server.fields.email} />
          <SelectField label="Role" name="role" defaultValue="analyst" options={BRAND_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          <Button type="submit" loading={invite.isPending}>
            Send invite
          </Button>
        </form>
        {server.message && !server.fields.email ? <Alert tone="error">{server.message}</Alert> : null}
        {invite.data ? (
          <Alert tone="success" title={invite.data.delivery === "smtp" ? `Invitation emailed to ${invite.data.email}` : `Invitation for ${invite.data.email} created`}>
            <p>
              {invite.data.delivery === "smtp"
                ? "You can also share the link yourself (valid for 7 days, shown once):"
                : "This instance sends no email (the invitation is in its mail outbox): share this link with them (valid for 7 days, shown once)."}
            </p>
            <div className="mt-2 flex items-center gap-2">
              <input readOnly aria-label="Invitation link" value={invite.data.url} className="w-full rounded border-0 bg-white px-2 py-1 font-mono text-xs ring-1 ring-emerald-200" onFocus={(e) => e.currentTarget.select()} />
              <Button
                variant="secondary"
                size="sm"
                onClick={async () => {
                  await navigator.clipboard?.writeText(invite.data!.url).catch(() => {});
                  setCopied(true);
                }}
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
