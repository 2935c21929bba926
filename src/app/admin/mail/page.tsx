import type { Metadata } from "next";
import { MailOutbox } from "~/components/mail/mail-outbox";

export const metadata: Metadata = { title: "Mail outbox" };

export default function MailOutboxPage() {
  return <MailOutbox />;
}
