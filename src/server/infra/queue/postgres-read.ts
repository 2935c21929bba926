import type { FinishedCursor, JobFilter, JobRecord, JobState, QueueCounts, ThroughputSeries } from "./port";

/**
 * What the queue-health page reads from pg-boss's job table: counts per state, lists, pages of
 * finished jobs and per-minute throughput, for the whole queue or one brand's jobs. pg-boss's API
 * answers counts per queue only, so these read its `job` table directly (one queue's partition,
 * filtered on `name`); the envelope our adapter stores in `data` is `{ name, data, key }`.
 */

export interface SqlRunner {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** A brand's jobs: their payload names it as `brandId`, or among `brandIds`. */
function brandClause(filter: JobFilter | undefined, param: number): string {
  if (!filter) return "true";
  return `(data->'data'->>'brandId' = $${param} or coalesce(data->'data'->'brandIds', '[]'::jsonb) @> to_jsonb($${param}::text))`;
}

const STATE_CLAUSE: Record<JobState, string> = {
  waiting: "state in ('created', 'retry') and start_after <= now()",
  delayed: "state in ('created', 'retry') and start_after > now()",
  active: "state = 'active'",
  completed: "state = 'completed'",
  failed: "state = 'failed'",
};

const COLUMNS = "id, data, state, retry_count, started_on, created_on, completed_on, output";

const ms = (value: unknown) => (value instanceof Date ? value.getTime() : value == null ? undefined : new Date(String(value)).getTime());

/** A row of the job table → what the port reports (the caller's id is the envelope's key). */
export function recordOf(queue: string, row: Record<string, unknown>): JobRecord {
  const envelope = (row.data ?? {}) as { name?: string; data?: unknown; key?: string };
  const output = (row.output ?? {}) as { message?: string; stack?: string };
  const failed = row.state === "failed";
  const started = row.started_on != null;
  return {
    id: envelope.key ?? String(row.id),
    queue,
    name: envelope.name ?? "",
    data: envelope.data ?? {},
    attemptsMade: started ? Number(row.retry_count) + 1 : 0,
    failedReason: failed ? output.message : undefined,
    stacktrace: failed && output.stack ? [output.stack] : [],
    createdAt: ms(row.created_on) ?? 0,
    processedAt: ms(row.started_on),
    finishedAt: row.state === "completed" || failed ? ms(row.completed_on) : undefined,
  };
}

export function createQueueReads(db: SqlRunner, table: string) {
  return {
    async counts(name: string, filter?: JobFilter): Promise<QueueCounts & { capped: boolean; lastFailedAt: number | null }> {
      const states = Object.keys(STATE_CLAUSE) as JobState[];
      const { rows } = await db.executeSql(
        `select ${states.map((s) => `count(*) filter (where ${STATE_CLAUSE[s]})::int as "${s}"`).join(", ")},
                max(completed_on) filter (where state = 'failed') as last_failed
           from ${table} where name = $1 and ${brandClause(filter, 2)}`,
        filter ? [name, filter.brandId] : [name],
      );
      const row = rows[0] ?? {};
      const counts = Object.fromEntries(states.map((s) => [s, Number(row[s] ?? 0)])) as QueueCounts;
      return { ...counts, capped: false, lastFailedAt: ms(row.last_failed) ?? null };
    },

    async list(queue: string, name: string, state: JobState, start: number, end: number): Promise<JobRecord[]> {
      const order = state === "completed" || state === "failed" ? "completed_on desc, id desc" : "created_on desc, id desc";
      const { rows } = await db.executeSql(
        `select ${COLUMNS} from ${table} where name = $1 and ${STATE_CLAUSE[state]} order by ${order} offset $2 limit $3`,
        [name, start, Math.max(0, end - start + 1)],
      );
      return rows.map((r) => recordOf(queue, r));
    },

    async get(queue: string, name: string, ids: string[]): Promise<JobRecord | null> {
      const { rows } = await db.executeSql(`select ${COLUMNS} from ${table} where name = $1 and id = any($2::uuid[]) limit 1`, [name, ids]);
      return rows[0] ? recordOf(queue, rows[0]) : null;
    },

    async pageFinished(queue: string, name: string, state: "completed" | "failed", opts: { filter?: JobFilter; limit: number; before?: FinishedCursor }): Promise<JobRecord[]> {
      const values: unknown[] = [name, opts.limit];
      let cursor = "true";
      if (opts.before) {
        values.push(new Date(opts.before.at), opts.before.id);
        cursor = `(date_trunc('milliseconds', completed_on), coalesce(data->>'key', id::text)) < ($3::timestamptz, $4::text)`;
      }
      const brand = opts.filter ? (values.push(opts.filter.brandId), brandClause(opts.filter, values.length)) : "true";
      const { rows } = await db.executeSql(
        `select ${COLUMNS} from ${table}
          where name = $1 and ${STATE_CLAUSE[state]} and ${cursor} and ${brand}
          order by date_trunc('milliseconds', completed_on) desc, coalesce(data->>'key', id::text) desc
          limit $2`,
        values,
      );
      return rows.map((r) => recordOf(queue, r));
    },

    async throughput(name: string, minutes: number, filter?: JobFilter, now = Date.now()): Promise<ThroughputSeries> {
      const current = Math.floor(now / 60_000);
      const since = new Date((current - minutes + 1) * 60_000);
      const { rows } = await db.executeSql(
        `select floor(extract(epoch from completed_on) / 60)::bigint as minute, state::text as state, count(*)::int as n
           from ${table}
          where name = $1 and state in ('completed', 'failed') and completed_on >= $2 and ${brandClause(filter, 3)}
          group by 1, 2`,
        filter ? [name, since, filter.brandId] : [name, since],
      );
      const series: ThroughputSeries = { completed: new Array<number>(minutes).fill(0), failed: new Array<number>(minutes).fill(0) };
      for (const row of rows) {
        const age = current - Number(row.minute);
        if (age < 0 || age >= minutes) continue;
        series[row.state === "failed" ? "failed" : "completed"][minutes - 1 - age]! += Number(row.n);
      }
      return series;
    },
  };
}
