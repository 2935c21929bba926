"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PageHeader } from "~/components/page-header";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Skeleton } from "~/components/ui/skeleton";
import { useTRPC } from "~/lib/trpc";
import { useBrand } from "./brand-context";

/** The brand's landing page: who is here and whether the machinery is healthy. */
export function BrandOverview() {
  const brand = useBrand();
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions({ brand: brand.slug }));
  const queues = useQuery(trpc.queues.health.queryOptions({ brand: brand.slug }));
  const failed = queues.data?.reduce((n, q) => n + q.counts.failed, 0);
  const backlog = queues.data?.reduce((n, q) => n + q.counts.waiting + q.counts.delayed, 0);

  return (
    <>
      <PageHeader title={brand.name} description="Your brand at a glance." />
      <div className="grid gap-4 md:grid-cols-3">
        <Stat label="Members" value={members.data?.length} href={`/${brand.slug}/members`} />
        <Stat label="Jobs waiting" value={backlog} href={`/${brand.slug}/queues`} />
        <Stat label="Failed jobs (all brands)" value={failed} href={`/${brand.slug}/queues`} />
      </div>
      <Card className="mt-6">
        <CardHeader title="Next steps" />
        <CardBody>
          <ul className="list-inside list-disc space-y-1.5 text-sm text-slate-600">
            <li>
              <Link className="font-medium text-indigo-600 hover:text-indigo-500" href={`/${brand.slug}/members`}>
                Invite your teammates
              </Link>{" "}
              as owners, admins or analysts.
            </li>
            <li>
              Watch the product&apos;s queues on{" "}
              <Link className="font-medium text-indigo-600 hover:text-indigo-500" href={`/${brand.slug}/queues`}>
                Queue health
              </Link>
              , and send a test job through them.
            </li>
          </ul>
        </CardBody>
      </Card>
    </>
  );
}

function Stat({ label, value, href }: { label: string; value: number | undefined; href: string }) {
  return (
    <Link href={href}>
      <Card className="px-5 py-4 transition-shadow hover:shadow-md">
        <p className="text-sm text-slate-500">{label}</p>
        {value === undefined ? <Skeleton className="mt-2 h-8 w-16" /> : <p className="mt-1 text-3xl font-semibold tabular-nums text-slate-900">{value.toLocaleString()}</p>}
      </Card>
    </Link>
  );
}
