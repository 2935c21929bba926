import type postgres from "postgres";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import type { Sql } from "../../db/client";
import { consumeFrom, limitersByRule } from "./flexible";
import type { RateLimitPort } from "./port";

// The table of migration `infra_tables` (db/schema/infra.ts), in the shape RateLimiterPostgres reads.
const TABLE = "rate_limit";
// Rows whose window ended this long ago are nobody's budget any more (the library's own choice).
const KEEP_EXPIRED_MS = 3_600_000;
const SWEEP_EVERY_MS = 300_000;

/**
 * The one method RateLimiterPostgres calls on a `pg` pool (`query({ text, values })` → `{ rows,
 * rowCount }`), over postgres.js: the limiter shares the given pool instead of opening its own.
 * Its statements are single upserts and selects, so any pooled connection will do, and their text
 * is fixed, so each connection prepares them once.
 */
function pgQueryClient(sql: Sql) {
  return {
    async query(q: { text: string; values?: postgres.ParameterOrJSON<never>[] }) {
      const rows = await sql.unsafe(q.text, q.values ?? [], { prepare: true });
      return { rows, rowCount: rows.count };
    },
  };
}

/** rate-limiter-flexible on Postgres; one limiter per distinct rule, one table for all. */
export function createPostgresRateLimit(options: { sql: Sql; prefix: string }): RateLimitPort {
  const { sql } = options;
  const storeClient = pgQueryClient(sql);
  let lastSweep = Number.NEGATIVE_INFINITY;
  const limiterFor = limitersByRule(
    (rule, id) =>
      new RateLimiterPostgres({
        storeClient,
        // "pool": connections are the client's business (no acquire/release around each query).
        storeType: "pool",
        tableName: TABLE,
        // The migration made the table: no DDL at request time.
        tableCreated: true,
        // The library would arm a five-minute timer per limiter that outlives close(); sweep() instead.
        clearExpiredByTimeout: false,
        keyPrefix: `${options.prefix}:rl:${id}`,
        points: rule.points,
        duration: rule.windowSeconds,
      }),
  );

  /** Deletes long-expired rows, at most every five minutes, off the request's path. */
  function sweep(): void {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    sql`delete from ${sql(TABLE)} where expire < ${Date.now() - KEEP_EXPIRED_MS}`.catch(() => {});
  }

  return {
    backend: "postgres",
    consume(key, rule, points = 1) {
      sweep();
      return consumeFrom(limiterFor(rule), key, points);
    },
    async close() {},
  };
}
