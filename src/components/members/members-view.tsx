"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { DataTable } from "~/components/ui/data-table";
import { SkeletonRows } from "~/components/ui/skeleton";
import { BRAND_ROLES, type BrandRole, ROLE_LABELS, roleAtLeast } from "~/lib/roles";
import { describeError, useTRPC } from "~/lib/trpc";
import { InviteForm } from "./invite-form";
import { PendingInvitations } from "./pending-invitations";
import { Timestamp } from "~/components/ui/timestamp";

interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: BrandRole;
  joinedAt: Date;
}

const column = createColumnHelper<MemberRow>();

export function MembersView() {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isOwner = roleAtLeast(brand.role, "owner");
  const members = useQuery(trpc.members.list.queryOptions({ brand: brand.slug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ brand: brand.slug }) });
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  const actionError = describeError(changeRole.error ?? remove.error).message;

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Member",
        cell: (c) => (
          <div>
            <p className="font-medium text-slate-900">{c.getValue()}</p>
            <p className="text-xs text-slate-500">{c.row.original.email}</p>
          </div>
        ),
      }),
      column.accessor("role", {
        header: "Role",
        cell: (c) =>
          isOwner && c.row.original.email !== brand.user.email ? (
            <select
              aria-label={`Role of ${c.row.original.email}`}
              className="rounded-md border-0 py-1 pr-7 pl-2 text-sm ring-1 ring-slate-300 ring-inset"
              value={c.getValue()}
              disabled={changeRole.isPending}
              onChange={(e) => changeRole.mutate({ brand: brand.slug, userId: c.row.original.userId, role: e.target.value as BrandRole })}
            >
              {BRAND_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          ) : (
            <Badge tone={c.getValue() === "owner" ? "indigo" : "slate"}>{ROLE_LABELS[c.getValue()]}</Badge>
          ),
      }),
      column.accessor("joinedAt", {
        header: "Joined",
        cell: (c) => <Timestamp at={c.getValue()} day className="tabular-nums" />,
      }),
      column.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (c) =>
          isOwner && c.row.original.email !== brand.user.email ? (
            <Button
              variant="danger"
              size="sm"
              onClick={() => {
                if (confirm(`Remove ${c.row.original.email} from ${brand.name}?`)) remove.mutate({ brand: brand.slug, userId: c.row.original.userId });
              }}
            >
              Remove
            </Button>
          ) : null,
      }),
    ],
    [isOwner, brand, changeRole, remove],
  );

  return (
    <>
      <PageHeader title="Members" description={isOwner ? "Invite teammates and decide what they can do." : "The people who work on this brand."} />
      <div className="space-y-6">
        {isOwner ? <InviteForm /> : <Alert tone="info">Only owners can invite, remove or change the role of members.</Alert>}
        <Card>
          <CardHeader title="Team" description="Owners manage members and stores; admins change settings, automations and campaigns; analysts read." />
          <CardBody>
            {actionError ? <Alert tone="error" className="mb-3">{actionError}</Alert> : null}
            {members.isPending ? <SkeletonRows rows={3} /> : <DataTable label="Members" columns={columns} data={members.data ?? []} rowId={(r) => r.userId} />}
          </CardBody>
        </Card>
        {isOwner ? <PendingInvitations /> : null}
      </div>
    </>
  );
}
