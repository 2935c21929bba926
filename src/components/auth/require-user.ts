import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser, type SessionUser } from "~/server/auth";

/** For server components: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await getSessionUser(await headers());
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}
