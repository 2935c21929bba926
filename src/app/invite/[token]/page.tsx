import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { AcceptInvitation } from "~/components/members/accept-invitation";
import { Logo } from "~/components/logo";
import { Alert } from "~/components/ui/alert";
import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { mustVerifyEmailToAccept, previewInvitation } from "~/server/services/brands/invitations";
import { getMailSettings } from "~/server/services/mail/settings";
import { ROLE_LABELS } from "~/lib/roles";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

/** The invitation, or why it cannot be used (expired, accepted, revoked, unknown). */
async function loadInvitation(token: string) {
  try {
    return { invite: await previewInvitation(createDeps(), { token }) };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { problem: err.message };
  }
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await getSessionUser(await headers());
  const { invite, problem } = await loadInvitation(token);
  const here = `/invite/${token}`;
  const needsVerification = invite && user && user.email === invite.email ? await mustVerifyEmailToAccept({ db: createDeps().db, mail: getMailSettings() }, { userId: user.id }) : false;
  const content = !invite ? (
    <>
      <h1 className="mb-4 text-xl font-semibold text-slate-900">Invitation</h1>
      <Alert tone="error" title="This invitation cannot be used">
        {problem}
      </Alert>
    </>
  ) : (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Join {invite.brandName}</h1>
      <p className="mt-2 text-sm text-slate-600">
        You are invited as <strong>{ROLE_LABELS[invite.role]}</strong> ({invite.email}).
      </p>
      <div className="mt-5">
        {!user ? (
          <div className="space-y-3 text-sm">
            <p className="text-slate-600">Sign in or create an account with {invite.email} to accept.</p>
            <div className="flex gap-2">
              <Link className="rounded-md bg-indigo-600 px-3.5 py-2 font-medium text-white hover:bg-indigo-500" href={`/sign-up?next=${encodeURIComponent(here)}`}>
                Create account
              </Link>
              <Link className="rounded-md px-3.5 py-2 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50" href={`/sign-in?next=${encodeURIComponent(here)}`}>
                Sign in
              </Link>
            </div>
          </div>
        ) : user.email !== invite.email ? (
          <Alert tone="warning" title="This invitation is for another address">
            You are signed in as {user.email}. Sign out and sign in as {invite.email} to accept it.
          </Alert>
        ) : (
          <AcceptInvitation token={token} email={invite.email} needsVerification={needsVerification} />
        )}
      </div>
    </>
  );
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen focus:outline-none flex-col items-center justify-center px-4 py-12">
      <Logo className="mb-8" />
      <div className="w-full max-w-md rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">{content}</div>
    </main>
  );
}
