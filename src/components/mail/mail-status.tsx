import { Badge } from "~/components/ui/badge";

type Status = "outbox" | "queued" | "sending" | "sent" | "failed";

const LOOK: Record<Status, { tone: "slate" | "green" | "amber" | "red" | "indigo"; label: string }> = {
  outbox: { tone: "indigo", label: "In outbox" },
  queued: { tone: "amber", label: "Queued" },
  sending: { tone: "amber", label: "Sending" },
  sent: { tone: "green", label: "Sent" },
  failed: { tone: "red", label: "Failed" },
};

export const KIND_LABELS: Record<string, string> = {
  invitation: "Invitation",
  password_reset: "Password reset",
  email_verification: "Email verification",
};

export function MailStatusBadge({ status }: { status: Status }) {
  const look = LOOK[status];
  return (
    <Badge tone={look.tone} className="whitespace-nowrap">
      {look.label}
    </Badge>
  );
}
