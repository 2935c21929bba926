import type { Metadata } from "next";
import { ErrorPage } from "~/components/error-page";

export const metadata: Metadata = { title: "No access" };

/** `forbidden()` from a page or layout (Next.js sends it with a 403): a brand the caller is not a member of. */
export default function Forbidden() {
  return (
    <ErrorPage
      code="403"
      title="You don't have access to this brand"
      description="It may not exist, or you are not one of its members. Ask one of its owners for an invitation."
      links={[{ href: "/brands", label: "Go to your brands" }]}
    />
  );
}
