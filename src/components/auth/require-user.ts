import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { REQUEST_PATH_HEADER } from "~/lib/request-path";
import { safeRedirectPath } from "~/lib/safe-redirect";
import { getSessionUser, type SessionUser } from "~/server/auth";

/**
 * For server components: the signed-in user, or a redirect to sign-in that comes back to the page
 * that was asked for (path and query, from src/proxy.ts), else to `returnTo`.
 */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const all = await headers();
  const user = await getSessionUser(all);
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(safeRedirectPath(all.get(REQUEST_PATH_HEADER), returnTo))}`);
  return user;
}
