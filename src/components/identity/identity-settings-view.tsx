"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SkeletonRows } from "~/components/ui/skeleton";
import { Timestamp } from "~/components/ui/timestamp";
import { roleAtLeast } from "~/lib/roles";
import { describeError, useTRPC } from "~/lib/trpc";
import type { IdentitySettings, LimitedKind, LimitSettings as Limits } from "~/server/services/identity/settings";

type Kind = LimitedKind;

const KINDS: { kind: Kind; label: string; hint: string }[] = [
  { kind: "userId", label: "User ids", hint: "Your own login ids (identify's userId)." },
  { kind: "shopifyCustomer", label: "Shopify customers, per store", hint: "One customer record of each connected store." },
  { kind: "email", label: "Email addresses", hint: "Normalised (lower case)." },
  { kind: "phone", label: "Phone numbers", hint: "E.164." },
  { kind: "external", label: "External ids", hint: "context.externalIds, per type." },
];

/** The brand's identity rules: which emails never link people, and how many of each identifier one person may hold. */
export function IdentitySettingsView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const settings = useQuery(trpc.identity.settings.queryOptions({ brand: brand.slug }));
  return (
    <>
      <PageHeader title="Identity rules" description="How events and Shopify customers are joined into one profile per person." />
      {settings.error ? <Alert tone="error">{describeError(settings.error).message}</Alert> : settings.data ? <RulesForm initial={settings.data} /> : <SkeletonRows rows={4} />}
    </>
  );
}

function RulesForm({ initial }: { initial: IdentitySettings }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = roleAtLeast(brand.role, "admin");
  const [current, setCurrent] = useState(initial);
  const [blocked, setBlocked] = useState(initial.blockedEmails.join("\n"));
  const [limits, setLimits] = useState<Limits>(initial.limits);
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.identity.updateSettings.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.identity.settings.queryKey({ brand: brand.slug }), next);
        setCurrent(next);
        setBlocked(next.blockedEmails.join("\n"));
        setLimits(next.limits);
        setSaved(true);
      },
    }),
  );

  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate({ brand: brand.slug, blockedEmails: blocked.split(/[\n,]+/).map((v) => v.trim()).filter(Boolean), limits });
      }}
    >
      {save.error ? <Alert tone="error">{describeError(save.error).message}</Alert> : null}
      {saved && !save.isPending ? <Alert tone="success">Saved. The rules apply to what is resolved from now on; merges already made stay until you undo them.</Alert> : null}
      <Card>
        <CardHeader title="Blocked emails" description="Addresses that never identify anyone: a team's test address, a shared checkout email. Events carrying them still count, on their other identifiers." />
        <CardBody className="space-y-3">
          <label htmlFor="blocked-emails" className="block text-sm font-medium text-slate-700">
            One email per line
          </label>
          <textarea
            id="blocked-emails"
            rows={5}
            value={blocked}
            onChange={(e) => setBlocked(e.target.value)}
            disabled={!isAdmin}
            aria-invalid={save.error?.data?.fields?.blockedEmails ? true : undefined}
            placeholder={"qa@yourbrand.com\norders@yourbrand.com"}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:ring-inset focus:outline-none disabled:bg-slate-50"
          />
          <div className="text-xs text-slate-500">
            Always blocked, in every brand:{" "}
            <span className="inline-flex flex-wrap gap-1 align-middle">
              {current.builtInBlocked.map((v) => (
                <Badge key={v} tone="slate">
                  {v}
                </Badge>
              ))}
            </span>
          </div>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Per-person limits" description="A merge that would give one person more than this is refused and recorded in the profile's merge history. Empty: no limit." />
        <CardBody>
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                <th className="py-2 font-medium">Identifier</th>
                <th className="py-2 font-medium">At most, per person</th>
                <th className="py-2 font-medium">Default</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {KINDS.map(({ kind, label, hint }) => (
                <tr key={kind}>
                  <td className="py-2 pr-4">
                    <div className="font-medium text-slate-900">{label}</div>
                    <div className="text-xs text-slate-500">{hint}</div>
                  </td>
                  <td className="py-2 pr-4">
                    <input
                      type="number"
                      min={1}
                      max={100}
                      aria-label={`${label}: at most, per person`}
                      value={limits[kind] ?? ""}
                      disabled={!isAdmin}
                      placeholder="No limit"
                      onChange={(e) => setLimits({ ...limits, [kind]: e.target.value === "" ? null : Math.trunc(Number(e.target.value)) })}
                      className="block w-32 rounded-md border-0 px-3 py-1.5 text-sm text-slate-900 tabular-nums shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:ring-inset focus:outline-none disabled:bg-slate-50"
                    />
                  </td>
                  <td className="py-2 text-slate-500 tabular-nums">{current.defaults[kind] ?? "No limit"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </CardBody>
      </Card>
      <div className="flex items-center justify-between gap-3">
        <p className="text-xs text-slate-500">{current.updatedAt ? <>Last changed <Timestamp at={current.updatedAt} /></> : "Using the defaults."}</p>
        {isAdmin ? (
          <Button type="submit" loading={save.isPending}>
            Save rules
          </Button>
        ) : (
          <p className="text-sm text-slate-500">Only admins of this brand can change these rules.</p>
        )}
      </div>
    </form>
  );
}
