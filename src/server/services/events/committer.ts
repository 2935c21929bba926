import type { Sql } from "../../db/client";
import { createGroupCommitter } from "../../group-commit";
import { toStorableJson } from "../webhooks/receive";
import type { AcceptedEvent } from "./messages";

export interface EventRow extends AcceptedEvent {
  brandId: string;
  sourceId: string;
}

export interface EventCommitter {
  /** Resolves once the rows are committed (a duplicate messageId of the source counts as committed: it already is). */
  commit(rows: EventRow[]): Promise<void>;
  /** Waits for what is in flight. */
  drain(): Promise<void>;
}

/** Events committed with group commit (src/server/group-commit.ts): one INSERT for every request waiting. */
export function createEventCommitter(deps: { sql: Sql }, opts: { maxInFlight?: number; maxRows?: number } = {}): EventCommitter {
  const group = createGroupCommitter<EventRow, null>(
    async (rows) => {
      await insertEvents(deps.sql, rows);
      return rows.map(() => null);
    },
    { maxInFlight: opts.maxInFlight, maxItems: opts.maxRows },
  );
  return { commit: async (rows) => void (await group.submit(rows)), drain: () => group.drain() };
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
