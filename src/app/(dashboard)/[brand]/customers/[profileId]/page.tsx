import type { Metadata } from "next";
import { Customer360 } from "~/components/customers/customer-360";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({ params }: { params: Promise<{ profileId: string }> }) {
  const { profileId } = await params;
  return <Customer360 profileId={profileId} />;
}
