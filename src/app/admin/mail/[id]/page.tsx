import type { Metadata } from "next";
import { MailMessageView } from "~/components/mail/mail-message";

export const metadata: Metadata = { title: "Mail message" };

export default async function MailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <MailMessageView id={id} />;
}
