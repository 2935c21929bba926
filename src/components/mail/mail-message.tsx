"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Skeleton } from "~/components/ui/skeleton";
import { describeError, useTRPC } from "~/lib/trpc";
import { KIND_LABELS, MailStatusBadge } from "./mail-status";
import { Timestamp } from "~/components/ui/timestamp";

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Plain text with its http(s) links made clickable; React escapes everything else. */
function linkify(text: string): ReactNode[] {
  return text.split(URL_PATTERN).map((part, i) =>
    i % 2 === 1 ? (
      <a key={i} href={part} className="break-all font-medium text-indigo-700 underline hover:text-indigo-500" rel="noreferrer">
        {part}
      </a>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}

/**
 * The HTML body runs in a sandbox with no scripts, no same-origin access and no network (its CSP):
 * a message cannot reach the app or phone home, and its links open in a new tab.
 */
function htmlDocument(html: string): string {
  const head =
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'"><base target="_blank">';
  return head + html;
}

function When({ label, at }: { label: string; at: Date | null }) {
  if (!at) return null;
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="tabular-nums text-slate-800">
        <Timestamp at={at} />
      </dd>
    </>
  );
}

export function MailMessageView({ id }: { id: string }) {
  const trpc = useTRPC();
  const message = useQuery(trpc.mail.get.queryOptions({ id }, { retry: false }));
  const back = (
    <Link href="/admin/mail" className="text-sm font-medium text-indigo-700 hover:text-indigo-500">
      ← All mail
    </Link>
  );

  if (message.error) {
    return (
      <>
        <PageHeader title="Mail message" actions={back} />
        <Alert tone="error">{describeError(message.error).message}</Alert>
      </>
    );
  }
  if (!message.data) {
    return (
      <div className="space-y-4" aria-busy="true">
        <Skeleton className="h-8 w-96" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  const m = message.data;
  return (
    <>
      <PageHeader title={m.subject} description={KIND_LABELS[m.kind] ?? m.kind} actions={back} />
      <div className="space-y-6">
        <Card>
          <CardBody>
            <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-slate-500">To</dt>
              <dd className="text-slate-800">{m.to}</dd>
              <dt className="text-slate-500">From</dt>
              <dd className="text-slate-800">{m.from}</dd>
              <dt className="text-slate-500">Status</dt>
              <dd>
                <MailStatusBadge status={m.status} /> {m.attempts > 0 ? <span className="text-xs text-slate-500">({m.attempts} attempt{m.attempts === 1 ? "" : "s"})</span> : null}
              </dd>
              <When label="Created" at={m.createdAt} />
              <When label="Last attempt" at={m.sendingAt} />
              <When label="Sent" at={m.sentAt} />
              <When label="Failed" at={m.failedAt} />
              {m.smtpResponse ? (
                <>
                  <dt className="text-slate-500">Server said</dt>
                  <dd className="font-mono text-xs text-slate-700">{m.smtpResponse}</dd>
                </>
              ) : null}
            </dl>
            {m.error ? (
              <Alert tone={m.status === "failed" ? "error" : "warning"} title={m.status === "failed" ? "Delivery failed" : "Last attempt failed; it will be retried"} className="mt-4">
                {m.error}
              </Alert>
            ) : null}
            {m.linkErased ? (
              <Alert tone="info" className="mt-4">
                Its link was removed once the SMTP server accepted the message: only the recipient has it.
              </Alert>
            ) : null}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Text" />
          <CardBody>
            <pre className="whitespace-pre-wrap break-words font-sans text-sm leading-6 text-slate-800" aria-label="Message text">
              {linkify(m.text)}
            </pre>
          </CardBody>
        </Card>
        {m.html ? (
          <Card>
            <CardHeader title="HTML" description="Shown in a sandbox: no scripts, no remote content; links open in a new tab." />
            <CardBody>
              <iframe
                title="Message HTML"
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                referrerPolicy="no-referrer"
                srcDoc={htmlDocument(m.html)}
                className="h-[28rem] w-full rounded-md ring-1 ring-slate-200"
              />
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
