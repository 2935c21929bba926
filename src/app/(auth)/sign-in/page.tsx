import type { Metadata } from "next";
import { SignInForm } from "~/components/auth/sign-in-form";
import { safeRedirectPath } from "~/lib/safe-redirect";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next, reset } = await searchParams;
  return <SignInForm next={safeRedirectPath(next)} notice={reset ? "Your password has been changed. Sign in with the new one." : undefined} />;
}
