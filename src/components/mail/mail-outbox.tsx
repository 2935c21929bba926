"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Card, CardBody } from "~/components/ui/card";
import { PagedTable } from "~/components/ui/paged-table";
import { useTRPC } from "~/lib/trpc";
import { KIND_LABELS, MailStatusBadge } from "./mail-status";
import { Timestamp } from "~/components/ui/timestamp";

interface MailRow {
  id: string;
  kind: string;
  to: string;
  subject: string;
  status: "outbox" | "queued" | "sending" | "sent" | "failed";
  attempts: number;
  error: string | null;
  createdAt: Date;
}

const column = createColumnHelper<MailRow>();

const columns = [
  column.accessor("subject", {
    header: "Subject",
    cell: (c) => (
      <Link href={`/admin/mail/${c.row.original.id}`} className="font-medium text-indigo-700 hover:text-indigo-500 hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  column.accessor("to", { header: "To", cell: (c) => <span className="text-slate-700">{c.getValue()}</span> }),
  column.accessor("kind", { header: "Kind", cell: (c) => <span className="whitespace-nowrap text-slate-500">{KIND_LABELS[c.getValue()] ?? c.getValue()}</span> }),
  column.accessor("status", {
    header: "Status",
    cell: (c) => (
      <span title={c.row.original.error ?? undefined}>
        <MailStatusBadge status={c.getValue()} />
      </span>
    ),
  }),
  column.accessor("createdAt", { header: "Created", cell: (c) => <Timestamp at={c.getValue()} className="whitespace-nowrap tabular-nums text-slate-500" /> }),
];

/** Every message this instance sent or kept, newest first (instance administrators). */
export function MailOutbox() {
  const trpc = useTRPC();
  const mail = useInfiniteQuery(trpc.mail.list.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (last) => last.nextCursor }));
  const rows = mail.data?.pages.flatMap((p) => p.messages) ?? [];
  const delivery = mail.data?.pages[0]?.delivery;

  return (
    <>
      <PageHeader title="Mail outbox" description="Invitations, password resets and verification emails of this instance, newest first." />
      {delivery === "outbox" ? (
        <Alert tone="info" title="No SMTP server is configured" className="mb-4">
          Messages are not delivered: they stay here, so you can open them and follow their links. Set <code>SMTP_URL</code> and{" "}
          <code>MAIL_FROM</code> to send them.
        </Alert>
      ) : null}
      <Card>
        <CardBody className="space-y-4">
          <PagedTable
            label="Mail messages"
            query={mail}
            rows={rows}
            columns={columns}
            rowId={(r) => r.id}
            empty={{ title: "No mail yet", description: "Invite a teammate from a brand's Members page, or use “Forgot password?” on the sign-in page: the message appears here." }}
          />
        </CardBody>
      </Card>
    </>
  );
}
