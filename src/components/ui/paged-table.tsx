"use client";

import { describeError } from "~/lib/trpc";
import { Alert } from "./alert";
import { Button } from "./button";
import { type Columns, DataTable } from "./data-table";
import { EmptyState } from "./empty-state";
import { SkeletonRows } from "./skeleton";

/** The states of an infinite (keyset-paged) list query that a paged table shows. */
interface PagedQuery {
  error: unknown;
  isPending: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** A table over pages loaded as you go: skeleton while loading, an empty state, the error, "Load more". */
export function PagedTable<T>(props: {
  label: string;
  query: PagedQuery;
  rows: T[];
  columns: Columns<T>;
  rowId: (row: T) => string;
  empty: { title: string; description: string };
}) {
  const { query } = props;
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
              <Button variant="secondary" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
