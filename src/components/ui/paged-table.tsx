"use client";

import { useEffect, useRef, useState } from "react";
import { describeError } from "~/lib/trpc";
import { Alert } from "./alert";
import { Button } from "./button";
import { type Columns, DataTable } from "./data-table";
import { EmptyState } from "./empty-state";
import { useAnnounce } from "./live-announcer";
import { SkeletonRows } from "./skeleton";

/** The states of an infinite (keyset-paged) list query that a paged table shows. */
interface PagedQuery {
  error: unknown;
  isPending: boolean;
  /** Any fetch, including a refetch after a filter changed. */
  isFetching?: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** "50 orders shown", "1 order shown; more can be loaded". */
export function shownMessage(count: number, noun: { one: string; other: string }, more: boolean): string {
  return `${count.toLocaleString("en")} ${count === 1 ? noun.one : noun.other} shown${more ? "; more can be loaded" : ""}`;
}

/**
 * A table over pages loaded as you go: skeleton while loading, an empty state, the error, "Load more".
 * What it shows after loading more, or after its query changed (a filter), is announced politely; the
 * Load more button keeps focus while it loads, and when there is nothing more focus moves to the note
 * that says so instead of falling to the page.
 */
export function PagedTable<T>(props: {
  label: string;
  query: PagedQuery;
  rows: T[];
  columns: Columns<T>;
  rowId: (row: T) => string;
  empty: { title: string; description: string };
  /** What a row is, for announcements; from `label` ("Orders" → "order" / "orders") otherwise. */
  noun?: { one: string; other: string };
}) {
  const { query } = props;
  const announce = useAnnounce();
  const other = props.noun?.other ?? props.label.toLowerCase();
  const noun = props.noun ?? { one: other.replace(/s$/, ""), other };
  const busy = query.isPending || query.isFetchingNextPage || Boolean(query.isFetching);
  const message = query.error ? null : shownMessage(props.rows.length, noun, query.hasNextPage);

  // Announced when a load settles (not the page's first): always after a new query (a filter changed)
  // or Load more, even when the count is the same; after a background refetch only if the result changed.
  const lastSettled = useRef<string | null | undefined>(undefined);
  const fresh = useRef(false);
  useEffect(() => {
    if (query.isPending || query.isFetchingNextPage) fresh.current = true;
    if (busy || message === null) return;
    if (lastSettled.current !== undefined && (fresh.current || lastSettled.current !== message)) announce(message);
    lastSettled.current = message;
    fresh.current = false;
  }, [busy, message, announce, query.isPending, query.isFetchingNextPage]);

  const [loadedMore, setLoadedMore] = useState(false);
  const endNote = useRef<HTMLParagraphElement>(null);
  const focusEnd = useRef(false);
  useEffect(() => {
    if (!focusEnd.current || query.hasNextPage || !endNote.current) return;
    focusEnd.current = false;
    // Only if focus fell with the button (not if the user has since moved on).
    if (!document.activeElement || document.activeElement === document.body) endNote.current.focus();
  }, [query.hasNextPage, loadedMore]);

  return (
    <>
      {query.error ? <Alert tone="error">{describeError(query.error).message}</Alert> : null}
      {query.isPending ? (
        <SkeletonRows rows={6} />
      ) : props.rows.length === 0 ? (
        <EmptyState title={props.empty.title} description={props.empty.description} />
      ) : (
        <>
          <DataTable label={props.label} columns={props.columns} data={props.rows} rowId={props.rowId} />
          {query.hasNextPage ? (
            <div className="flex justify-center">
              <Button
                variant="secondary"
                loading={query.isFetchingNextPage}
                onClick={() => {
                  setLoadedMore(true);
                  // The button goes away with the last page: focus then follows to the note below.
                  focusEnd.current = true;
                  void query.fetchNextPage();
                }}
              >
                Load more
              </Button>
            </div>
          ) : loadedMore ? (
            <p ref={endNote} tabIndex={-1} className="text-center text-xs text-slate-500 focus:outline-none">
              All {props.rows.length.toLocaleString("en")} {props.rows.length === 1 ? noun.one : noun.other} shown
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
