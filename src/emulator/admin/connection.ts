import { GraphQLError } from "graphql";
import { decodeCursor, encodeCursor } from "./ids";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  sortKey?: string | null;
  query?: string | null;
}

/** A sort key compared element by element (e.g. [updatedAt, index]). */
export type Key = number[];

export function compareKeys(a: Key, b: Key): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const d = (a[k] ?? 0) - (b[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** An ordered collection that can be walked from just past a key, in either direction. */
export interface OrderedSource<T> {
  walk(from: Key | null, direction: 1 | -1): Iterable<{ key: Key; node: T }>;
}

export const MAX_PAGE = 250;

/** Shopify-style argument checks shared by every connection. */
function pageSize(args: ConnectionArgs, requireSize: boolean): number {
  if (args.first != null && args.last != null) throw new GraphQLError("Passing both `first` and `last` to paginate the connection is not supported.");
  const n = args.first ?? args.last;
  if (n == null) {
    if (requireSize) throw new GraphQLError("you must provide one of first or last");
    return Infinity;
  }
  if (n < 0) throw new GraphQLError("The page size must be a non-negative integer.");
  if (n > MAX_PAGE) throw new GraphQLError(`The page size must be less than or equal to ${MAX_PAGE}.`, { extensions: { code: "BAD_USER_INPUT" } });
  return n;
}

function cursorKey(cursor: string | null | undefined): Key | null {
  if (!cursor) return null;
  const key = decodeCursor<{ k: Key }>(cursor)?.k;
  if (!Array.isArray(key)) throw new GraphQLError(`Invalid cursor for pagination: ${cursor}`, { extensions: { code: "BAD_USER_INPUT" } });
  return key;
}

/** Builds a Relay connection (edges, nodes, pageInfo) from a source, honouring first/after/last/before/reverse. */
export function paginate<T, N>(source: OrderedSource<T>, args: ConnectionArgs, toNode: (t: T) => N, opts: { requireSize?: boolean } = {}) {
  const n = pageSize(args, opts.requireSize ?? true);
  const forward = args.last == null;
  const dir: 1 | -1 = (forward ? 1 : -1) * (args.reverse ? -1 : 1) as 1 | -1;
  const start = forward ? cursorKey(args.after) : cursorKey(args.before);
  const items: { key: Key; node: T }[] = [];
  let more = false;
  for (const item of source.walk(start, dir)) {
    if (items.length === n) {
      more = true;
      break;
    }
    items.push(item);
  }
  // Is there anything on the other side of the cursor?
  const behind = start !== null && !source.walk(start, dir === 1 ? -1 : 1)[Symbol.iterator]().next().done;
  if (!forward) items.reverse();
  const edges = items.map((item) => ({ cursor: encodeCursor({ k: item.key }), node: toNode(item.node) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: forward ? more : behind,
      hasPreviousPage: forward ? behind : more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Records at indices [lo, hi), in index order; `get` returns null for deleted ones. */
export function indexSource<T>(lo: number, hi: number, get: (i: number) => T | null): OrderedSource<T> {
  return {
    *walk(from, direction) {
      let i = from ? from[0]! + direction : direction === 1 ? lo : hi - 1;
      for (; i >= lo && i < hi; i += direction) {
        const node = get(i);
        if (node !== null) yield { key: [i], node };
      }
    },
  };
}

/** Records already listed and sorted by key. */
export function listSource<T>(items: { key: Key; node: T }[]): OrderedSource<T> {
  return {
    *walk(from, direction) {
      let lo = 0;
      let hi = items.length;
      if (from) {
        // First position whose key is greater than `from`.
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareKeys(items[mid]!.key, from) <= 0) lo = mid + 1;
          else hi = mid;
        }
      }
      if (direction === 1) for (let p = from ? lo : 0; p < items.length; p++) yield items[p]!;
      else {
        let p = from ? lo - 1 : items.length - 1;
        if (from && p >= 0 && compareKeys(items[p]!.key, from) === 0) p--;
        for (; p >= 0; p--) yield items[p]!;
      }
    },
  };
}

/** A nested connection over a small array (line items, variants…): positions are the keys. */
export function arrayConnection<N>(nodes: N[], args: ConnectionArgs) {
  return paginate(listSource(nodes.map((node, i) => ({ key: [i], node }))), args, (n) => n);
}
