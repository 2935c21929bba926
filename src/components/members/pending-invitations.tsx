"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useBrand } from "~/components/brands/brand-context";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SkeletonRows } from "~/components/ui/skeleton";
import { ROLE_LABELS } from "~/lib/roles";
import { useTRPC } from "~/lib/trpc";
import { Timestamp } from "~/components/ui/timestamp";

export function PendingInvitations() {
  const brand = useBrand();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.members.invitations.queryOptions({ brand: brand.slug }));
  const revoke = useMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey({ brand: brand.slug }) }),
    }),
  );

  return (
    <Card>
      <CardHeader title="Pending invitations" />
      <CardBody>
        {invitations.isPending ? (
          <SkeletonRows rows={1} />
        ) : invitations.data?.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Pending invitations">
            {invitations.data.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between gap-3 py-2.5 text-sm">
                <div>
                  <span className="font-medium text-slate-800">{inv.email}</span>{" "}
                  <Badge>{ROLE_LABELS[inv.role]}</Badge>
                  <p className="text-xs text-slate-500">Expires <Timestamp at={inv.expiresAt} /></p>
                </div>
                <Button variant="ghost" size="sm" loading={revoke.isPending && revoke.variables?.invitationId === inv.id} onClick={() => revoke.mutate({ brand: brand.slug, invitationId: inv.id })}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">No open invitations. Invite someone above.</p>
        )}
      </CardBody>
    </Card>
  );
}
