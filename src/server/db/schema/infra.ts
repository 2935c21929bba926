import { bigint, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Messages too large for NOTIFY (its payload stops at 8000 bytes) wait here for the subscribers,
 * who are notified of the row's id instead (infra/pubsub/postgres.ts). Kept as JSON text, so they
 * read back byte for byte; rows outlive their readers by minutes and are swept by publishers.
 */
export const pubsubPayload = pgTable(
  "pubsub_payload",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    channel: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.createdAt)],
);

/**
 * rate-limiter-flexible's RateLimiterPostgres table, in the shape its queries expect (`key`,
 * `points`, `expire` in epoch milliseconds), created here so no request ever runs DDL
 * (infra/rate-limit/postgres.ts). `key` is text rather than the library's varchar(255), so a long
 * key is never refused.
 */
export const rateLimit = pgTable(
  "rate_limit",
  {
    key: text().primaryKey(),
    points: integer().notNull().default(0),
    expire: bigint({ mode: "number" }),
  },
  (t) => [index().on(t.expire)],
);
