import type { Metadata } from "next";
import { SignUpForm } from "~/components/auth/sign-up-form";
import { safeRedirectPath } from "~/lib/safe-redirect";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next } = await searchParams;
  return <SignUpForm next={safeRedirectPath(next)} />;
}
