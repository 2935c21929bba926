import type { Sql } from "../../db/client";
import { toStorableJson } from "../webhooks/receive";
import type { AcceptedEvent } from "./messages";

export interface EventRow extends AcceptedEvent {
  brandId: string;
  sourceId: string;
}

interface Pending {
  rows: EventRow[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface EventCommitter {
  /** Resolves once the rows are committed (a duplicate messageId of the source counts as committed: it already is). */
  commit(rows: EventRow[]): Promise<void>;
  /** Waits for what is in flight. */
  drain(): Promise<void>;
}

/**
 * Group commit: requests that arrive while a commit is in flight wait for the next one and share
 * it — one INSERT and one fsync for many requests, so a busy collector commits more events per
 * second than it could one at a time, and an idle one commits each request at once. At most
 * `maxInFlight` commits run together (each on its own pooled connection).
 */
export function createEventCommitter(deps: { sql: Sql }, opts: { maxInFlight?: number; maxRows?: number } = {}): EventCommitter {
  const maxInFlight = opts.maxInFlight ?? 3;
  const maxRows = opts.maxRows ?? 5_000;
  const waiting: Pending[] = [];
  let inFlight = 0;
  const idle: (() => void)[] = [];

  function next(): void {
    while (inFlight < maxInFlight && waiting.length) {
      const group: Pending[] = [];
      let rows = 0;
      while (waiting.length && (rows === 0 || rows + waiting[0]!.rows.length <= maxRows)) {
        const p = waiting.shift()!;
        group.push(p);
        rows += p.rows.length;
      }
      inFlight++;
      insertEvents(deps.sql, group.flatMap((p) => p.rows))
        .then(
          () => group.forEach((p) => p.resolve()),
          (err: unknown) => group.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          inFlight--;
          next();
          if (inFlight === 0 && !waiting.length) idle.splice(0).forEach((f) => f());
        });
    }
  }

  return {
    commit(rows) {
      if (!rows.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ rows, resolve, reject });
        next();
      });
    },
    drain() {
      return inFlight === 0 && !waiting.length ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

/** One statement for any number of events; a messageId the source already sent is skipped (dedupe). */
export async function insertEvents(sql: Sql, rows: EventRow[]): Promise<void> {
  if (!rows.length) return;
  const col = <T>(f: (r: EventRow) => T) => rows.map(f);
  await sql`
    insert into events (brand_id, source_id, message_id, type, name, user_id, anonymous_id, timestamp, received_at, payload)
    select b, s, m, t, n, u, a, ts, rcv, p::jsonb
    from unnest(
      ${col((r) => r.brandId)}::uuid[], ${col((r) => r.sourceId)}::uuid[], ${col((r) => r.messageId)}::text[], ${col((r) => r.type)}::text[],
      ${col((r) => r.name)}::text[], ${col((r) => r.userId)}::text[], ${col((r) => r.anonymousId)}::text[],
      ${col((r) => r.timestamp.toISOString())}::text[]::timestamptz[], ${col((r) => r.receivedAt.toISOString())}::text[]::timestamptz[],
      ${col((r) => storableJsonText(r.payload))}::text[]
    ) as e(b, s, m, t, n, u, a, ts, rcv, p)
    on conflict (source_id, message_id) do nothing`;
}

/** JSON text jsonb accepts: NUL and lone surrogates (valid JSON, refused by jsonb) become U+FFFD; the common case costs one scan. */
function storableJsonText(payload: unknown): string {
  const text = JSON.stringify(payload);
  return /\\u0000|\\ud[89a-f]/i.test(text) ? JSON.stringify(toStorableJson(payload)) : text;
}
