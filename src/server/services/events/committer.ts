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

/**
 * One statement for any number of events; a messageId the source already sent is skipped (dedupe).
 * The rows travel as one JSON document (one native stringify; Postgres parses it once, as jsonb, into records) rather
 * than as ten arrays, whose per-element escaping cost more CPU than the rest of a batch's path.
 */
export async function insertEvents(sql: Sql, rows: EventRow[]): Promise<void> {
  if (!rows.length) return;
  const records = rows.map((r) => ({
    b: r.brandId,
    s: r.sourceId,
    m: r.messageId,
    t: r.type,
    n: r.name,
    u: r.userId,
    a: r.anonymousId,
    ts: r.timestamp.toISOString(),
    rcv: r.receivedAt.toISOString(),
    p: r.payload,
  }));
  await sql`
    insert into events (brand_id, source_id, message_id, type, name, user_id, anonymous_id, timestamp, received_at, payload)
    select b, s, m, t, n, u, a, ts, rcv, p
    from jsonb_to_recordset(${storableJsonText(records)}::jsonb) as e(b uuid, s uuid, m text, t text, n text, u text, a text, ts timestamptz, rcv timestamptz, p jsonb)
    on conflict (source_id, message_id) do nothing`;
}

/** JSON text Postgres accepts: NUL and lone surrogates (valid JSON, refused by jsonb and text) become U+FFFD; the common case costs one scan. */
function storableJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  return /\\u0000|\\ud[89a-f]/i.test(text) ? JSON.stringify(toStorableJson(value)) : text;
}
