"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { SkeletonRows } from "~/components/ui/skeleton";
import { describeError, useTRPC } from "~/lib/trpc";
import { ROLE_LABELS } from "~/lib/roles";
import { brandNameSchema } from "~/lib/validation";

export function BrandPicker() {
  const trpc = useTRPC();
  const brands = useQuery(trpc.brands.list.queryOptions());
  const hasBrands = (brands.data?.length ?? 0) > 0;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Open a brand" description="See its customers, automations and queues." />
        <CardBody>
          {brands.isPending ? (
            <SkeletonRows rows={2} />
          ) : hasBrands ? (
            <ul className="divide-y divide-slate-100">
              {brands.data!.map((b) => (
                <li key={b.id}>
                  <Link href={`/${b.slug}`} className="flex items-center justify-between rounded-md px-2 py-3 hover:bg-slate-50">
                    <span className="font-medium text-slate-900">{b.name}</span>
                    <Badge tone={b.role === "owner" ? "indigo" : "slate"}>{ROLE_LABELS[b.role]}</Badge>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">You are not in any brand yet. Create one below, or open an invitation link a teammate sent you.</p>
          )}
        </CardBody>
      </Card>
      <CreateBrandCard first={!brands.isPending && !hasBrands} />
    </div>
  );
}

function CreateBrandCard({ first }: { first: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [clientError, setClientError] = useState<string>();
  const create = useMutation(
    trpc.brands.create.mutationOptions({
      onSuccess: async (brand) => {
        await queryClient.invalidateQueries({ queryKey: trpc.brands.list.queryKey() });
        router.push(`/${brand.slug}`);
      },
    }),
  );
  const server = describeError(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = brandNameSchema.safeParse(new FormData(event.currentTarget).get("name"));
    setClientError(name.success ? undefined : name.error.issues[0]?.message);
    if (name.success) create.mutate({ name: name.data });
  }

  return (
    <Card>
      <CardHeader title={first ? "Create your first brand" : "Create a brand"} description="You will be its owner and can invite teammates." />
      <CardBody>
        <form onSubmit={onSubmit} className="flex flex-col gap-3 sm:flex-row sm:items-end" noValidate>
          <div className="flex-1">
            <TextField label="Brand name" name="name" placeholder="Acme Coffee" error={clientError ?? server.fields.name ?? (server.message || undefined)} />
          </div>
          <Button type="submit" loading={create.isPending}>
            Create brand
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
