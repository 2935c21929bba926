"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { TextField } from "~/components/ui/field";
import { SkeletonRows } from "~/components/ui/skeleton";
import { Timestamp } from "~/components/ui/timestamp";
import { formatCount } from "~/lib/format";
import { roleAtLeast } from "~/lib/roles";
import { describeError, useTRPC } from "~/lib/trpc";

/** A write key on screen: shown once after creating or rotating, or revealed on demand (admins). */
function KeyBox({ writeKey, note }: { writeKey: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <code className="rounded-md bg-slate-900 px-3 py-1.5 font-mono text-sm break-all text-emerald-300" data-testid="write-key">
          {writeKey}
        </code>
        <Button
          size="sm"
          variant="secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(writeKey).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="text-xs text-slate-500">{note}</p>
    </div>
  );
}

function apiHost(): string {
  return typeof window === "undefined" ? "" : window.location.origin;
}

export function SourcesView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = roleAtLeast(brand.role, "admin");
  const list = useQuery(trpc.sources.list.queryOptions({ brand: brand.slug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey({ brand: brand.slug }) });
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ sourceId: string; writeKey: string; note: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation(
    trpc.sources.create.mutationOptions({
      onSuccess: (r) => {
        setName("");
        setShown({ sourceId: r.source.id, writeKey: r.writeKey, note: "Copy it now: this is the only time it is shown unasked. Admins can reveal it again." });
        setOpen(r.source.id);
        void refresh();
      },
    }),
  );
  const reveal = useMutation(trpc.sources.revealKey.mutationOptions({ onSuccess: (r, v) => setShown({ sourceId: v.sourceId, writeKey: r.writeKey, note: "The source's current write key." }) }));
  const rotate = useMutation(
    trpc.sources.rotateKey.mutationOptions({
      onSuccess: (r, v) => {
        setShown({ sourceId: v.sourceId, writeKey: r.writeKey, note: r.previousKeyExpiresAt ? `The previous key keeps working until ${r.previousKeyExpiresAt.toLocaleString()}.` : "The previous key stopped working." });
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.sources.setRevoked.mutationOptions({ onSuccess: () => void refresh() }));
  const mutationError = create.error ?? reveal.error ?? rotate.error ?? revoke.error;

  return (
    <>
      <PageHeader title="Sources" description="Where your events come from: a website, an app or a server sending Segment-compatible calls." />
      <div className="space-y-6">
        {mutationError ? <Alert tone="error">{describeError(mutationError).message}</Alert> : null}
        {isAdmin ? (
          <Card>
            <CardHeader title="Add a source" description="Each source gets its own write key: the user name of HTTP Basic auth, as Segment's and RudderStack's libraries send it." />
            <CardBody>
              <form
                className="flex flex-col gap-3 sm:flex-row sm:items-end"
                onSubmit={(e) => {
                  e.preventDefault();
                  create.mutate({ brand: brand.slug, name });
                }}
              >
                <div className="flex-1">
                  <TextField label="Name" placeholder="Storefront, iOS app, backend…" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required error={create.error?.data?.fields?.name} />
                </div>
                <Button type="submit" loading={create.isPending}>
                  Create source
                </Button>
              </form>
            </CardBody>
          </Card>
        ) : null}

        {list.isPending ? (
          <SkeletonRows rows={3} />
        ) : list.error ? (
          <Alert tone="error">{describeError(list.error).message}</Alert>
        ) : list.data.length === 0 ? (
          <EmptyState title="No sources yet" description={isAdmin ? "Create a source above, then point your Segment or RudderStack library at this app with its write key." : "An admin of this brand can create one."} />
        ) : (
          list.data.map((s) => (
            <Card key={s.id}>
              <CardHeader
                title={
                  <span className="flex items-center gap-2">
                    {s.name}
                    {s.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="green">Active</Badge>}
                  </span>
                }
                description={
                  <>
                    Key <code className="font-mono">{s.keyHint}</code>
                    {s.previousKeyExpiresAt ? <> · previous key works until <Timestamp at={s.previousKeyExpiresAt} /></> : null}
                  </>
                }
                actions={
                  <>
                    <Button size="sm" variant="secondary" onClick={() => setOpen(open === s.id ? null : s.id)} aria-expanded={open === s.id}>
                      {open === s.id ? "Hide activity" : "Live activity"}
                    </Button>
                    {isAdmin ? (
                      <>
                        <Button size="sm" variant="secondary" loading={reveal.isPending && reveal.variables?.sourceId === s.id} onClick={() => reveal.mutate({ brand: brand.slug, sourceId: s.id })}>
                          Reveal key
                        </Button>
                        <Button size="sm" variant="secondary" loading={rotate.isPending && rotate.variables?.sourceId === s.id} onClick={() => rotate.mutate({ brand: brand.slug, sourceId: s.id, graceHours: 24 })}>
                          Rotate key
                        </Button>
                        <Button size="sm" variant={s.revokedAt ? "secondary" : "danger"} onClick={() => revoke.mutate({ brand: brand.slug, sourceId: s.id, revoked: !s.revokedAt })}>
                          {s.revokedAt ? "Restore" : "Revoke"}
                        </Button>
                      </>
                    ) : null}
                  </>
                }
              />
              <CardBody className="space-y-4">
                <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
                  <Figure label="Events processed" value={formatCount(s.eventsProcessed)} />
                  <Figure
                    label="Profiles it brought"
                    value={
                      <Link className="text-indigo-700 hover:underline" href={`/${brand.slug}/customers?source=${s.id}`}>
                        {formatCount(s.profilesCreated)}
                      </Link>
                    }
                  />
                  <Figure label="Last event" value={s.lastEventAt ? <Timestamp at={s.lastEventAt} /> : "None yet"} />
                  <Figure label="Created" value={<Timestamp at={s.createdAt} />} />
                </dl>
                {shown?.sourceId === s.id ? <KeyBox writeKey={shown.writeKey} note={shown.note} /> : null}
                {open === s.id ? <SourceActivity sourceId={s.id} /> : null}
              </CardBody>
            </Card>
          ))
        )}

        <Card>
          <CardHeader title="Sending events" description="Point an existing Segment or RudderStack library at this app; nothing else changes." />
          <CardBody className="space-y-3 text-sm text-slate-700">
            <pre className="overflow-x-auto rounded-md bg-slate-50 p-3 text-xs ring-1 ring-slate-200">{`// Node: @segment/analytics-node
new Analytics({ writeKey: "<write key>", host: "${apiHost()}" })

// Browser: @segment/analytics-next
AnalyticsBrowser.load({ writeKey: "<write key>", cdnSettings: { integrations: { "Segment.io": { apiKey: "<write key>", apiHost: "${apiHost().replace(/^https?:\/\//, "")}/v1", protocol: "${apiHost().startsWith("https") ? "https" : "http"}" } } } })

// HTTP: POST ${apiHost()}/v1/track (identify, page, screen, group, alias, batch)
curl -u "<write key>:" -H 'content-type: application/json' -d '{"userId":"42","event":"Signed Up"}' ${apiHost()}/v1/track`}</pre>
            <p>
              Limits: 32 KB per event, 500 KB per batch (413 beyond). A batch with one invalid event is refused whole (400, naming each field) and nothing of it is stored. A repeated <code>messageId</code> is stored once.
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}

function Figure({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 font-semibold tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}

/** The source's newest events and refused requests, kept current while open. */
function SourceActivity({ sourceId }: { sourceId: string }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const live = useSubscription(trpc.sources.activity.subscriptionOptions({ brand: brand.slug, sourceId }));
  const data = live.data?.data;
  if (live.error) return <Alert tone="error">{describeError(live.error).message}</Alert>;
  if (!data) return <SkeletonRows rows={3} />;
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="source-activity">
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">Latest events</h3>
        {data.events.length === 0 ? (
          <p className="text-sm text-slate-500">No events yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.events.map((e) => (
              <li key={e.id} className="flex items-center justify-between gap-3 py-1.5">
                <span className="min-w-0 truncate">
                  <Badge tone="indigo">{e.type}</Badge> <span className="text-slate-800">{e.name ?? ""}</span>{" "}
                  <span className="text-slate-500">{e.userId ?? e.anonymousId}</span>
                </span>
                <span className="shrink-0 text-xs text-slate-500">
                  {e.profileId ? (
                    <Link className="text-indigo-700 hover:underline" href={`/${brand.slug}/customers/${e.profileId}`}>
                      profile
                    </Link>
                  ) : (
                    "resolving…"
                  )}{" "}
                  · <Timestamp at={e.receivedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">Refused requests</h3>
        {data.rejections.length === 0 ? (
          <p className="text-sm text-slate-500">None: every request was valid.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.rejections.map((r) => (
              <li key={r.id} className="py-1.5">
                <p className="flex justify-between gap-2">
                  <span>
                    <Badge tone="red">{r.status}</Badge> <code className="text-xs">{r.path}</code>
                  </span>
                  <span className="text-xs text-slate-500">
                    <Timestamp at={r.receivedAt} />
                  </span>
                </p>
                <ul className="mt-1 text-xs text-red-700">
                  {Object.entries(r.errors).map(([field, problem]) => (
                    <li key={field}>
                      <code>{field}</code>: {problem}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
