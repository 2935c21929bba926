"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { authClient } from "~/lib/auth-client";
import { describeError, useTRPC } from "~/lib/trpc";

/** The server's field name for "verify your address first" (services/brands/invitations.ts). */
const UNVERIFIED_EMAIL_FIELD = "emailVerification";

export function AcceptInvitation({ token, email, needsVerification }: { token: string; email: string; needsVerification: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: (r) => router.push(`/${r.brandSlug}`) }));
  const server = describeError(accept.error);
  const unverified = needsVerification || Boolean(server.fields[UNVERIFIED_EMAIL_FIELD]);
  return (
    <div className="space-y-3">
      {unverified ? <VerifyEmail email={email} returnTo={`/invite/${token}`} /> : server.message ? <Alert tone="error">{server.message}</Alert> : null}
      <Button onClick={() => accept.mutate({ token })} loading={accept.isPending || accept.isSuccess} disabled={unverified}>
        Accept invitation
      </Button>
    </div>
  );
}

function VerifyEmail({ email, returnTo }: { email: string; returnTo: string }) {
  const [state, setState] = useState<{ pending?: boolean; sent?: boolean; error?: string }>({});
  async function resend() {
    setState({ pending: true });
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL: returnTo });
    setState(error ? { error: error.status === 429 ? "Too many requests; wait a little and try again" : (error.message ?? "Could not send the email") } : { sent: true });
  }
  return (
    <Alert tone="warning" title="Confirm your email address first">
      <p>Open the verification link we emailed to {email} (send it again if you do not have it), then accept here.</p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Button variant="secondary" size="sm" loading={state.pending} onClick={() => void resend()}>
          Send verification email again
        </Button>
        {state.sent ? <span role="status">Sent — check your inbox.</span> : null}
        {state.error ? <span role="alert">{state.error}</span> : null}
      </div>
    </Alert>
  );
}
