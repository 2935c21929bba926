import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Queues an operator paused on the Postgres queue backend (pg-boss has no pause of its own); the
 * name is the prefixed queue name. Written only by src/server/infra/queue/postgres.ts.
 */
export const queuePause = pgTable("queue_pause", {
  queue: text().primaryKey(),
  pausedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
