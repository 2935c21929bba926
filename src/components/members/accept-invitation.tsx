"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { describeError, useTRPC } from "~/lib/trpc";

export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: (r) => router.push(`/${r.brandSlug}`) }));
  return (
    <div className="space-y-3">
      {accept.error ? <Alert tone="error">{describeError(accept.error).message}</Alert> : null}
      <Button onClick={() => accept.mutate({ token })} loading={accept.isPending || accept.isSuccess}>
        Accept invitation
      </Button>
    </div>
  );
}
