"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useBrand } from "~/components/brands/brand-context";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { SkeletonRows } from "~/components/ui/skeleton";
import { Timestamp } from "~/components/ui/timestamp";
import { describeError, useTRPC } from "~/lib/trpc";

const TYPE_TONES = { track: "indigo", identify: "green", page: "slate", screen: "slate", group: "amber", alias: "amber" } as const;

/** What the person did, newest first, a page at a time; filter by event name. New events arrive live (the page refetches). */
export function CustomerTimeline({ profileId, eventNames }: { profileId: string; eventNames: string[] }) {
  const brand = useBrand();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const timeline = useInfiniteQuery({
    ...trpc.customers.timeline.infiniteQueryOptions({ brand: brand.slug, profileId, name: name || null, limit: 30 }, { getNextPageParam: (last) => last.nextCursor }),
    placeholderData: keepPreviousData,
  });
  const events = timeline.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <Card>
      <CardHeader
        title="Events"
        description="What this person did on your sites and apps, newest first"
        actions={
          eventNames.length ? (
            <div className="w-48">
              <SelectField label="Event" value={name} onChange={(e) => setName(e.target.value)} options={[{ value: "", label: "All events" }, ...eventNames.map((n) => ({ value: n, label: n }))]} />
            </div>
          ) : null
        }
      />
      <CardBody>
        {timeline.error ? <Alert tone="error">{describeError(timeline.error).message}</Alert> : null}
        {timeline.isPending ? (
          <SkeletonRows rows={4} />
        ) : events.length === 0 ? (
          <p className="text-sm text-slate-600">{name ? `No “${name}” events.` : "No events yet: none of this person's identities has sent any."}</p>
        ) : (
          <ol className="space-y-3 border-l border-slate-200 pl-4 text-sm" aria-label="Events" data-testid="timeline">
            {events.map((e) => (
              <li key={e.id}>
                <p className="flex flex-wrap items-center gap-2">
                  <Badge tone={TYPE_TONES[e.type as keyof typeof TYPE_TONES] ?? "slate"}>{e.type}</Badge>
                  <span className="font-medium text-slate-900">{e.name ?? (e.type === "identify" ? "Identified" : e.type)}</span>
                  <span className="text-xs text-slate-500">
                    <Timestamp at={e.at} /> · {e.source}
                  </span>
                </p>
                {Object.keys(e.properties).length ? <p className="mt-0.5 break-all text-xs text-slate-600">{JSON.stringify(e.properties)}</p> : null}
              </li>
            ))}
          </ol>
        )}
        {timeline.hasNextPage ? (
          <div className="mt-4 flex justify-center">
            <Button variant="secondary" loading={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
              Older events
            </Button>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
