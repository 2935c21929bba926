import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Every verified Shopify webhook, stored before we answer 200 (so nothing accepted is lost) and
 * processed afterwards by the ingestion queue. Shopify's event id makes redeliveries one row.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    shopDomain: text().notNull(),
    topic: text().notNull(),
    webhookId: text().notNull(),
    eventId: text().notNull(),
    apiVersion: text(),
    triggeredAt: timestamp({ withTimezone: true }),
    payload: jsonb().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    /** Why processing failed last (cleared on success). */
    error: text(),
  },
  (t) => [uniqueIndex("webhook_deliveries_event").on(t.eventId, t.topic), index().on(t.shopDomain, t.receivedAt)],
);
