import type { Metadata } from "next";
import { ErrorPage } from "~/components/error-page";

export const metadata: Metadata = { title: "Page not found" };

/** Any path no page answers (Next.js sends it with a 404). */
export default function NotFound() {
  return (
    <ErrorPage
      code="404"
      title="Page not found"
      description="There is no page at this address. It may have moved, or the link may be mistyped."
      links={[
        { href: "/brands", label: "Go to your brands" },
        { href: "/sign-in", label: "Sign in" },
      ]}
    />
  );
}
