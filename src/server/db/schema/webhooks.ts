import { sql } from "drizzle-orm";
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
    /**
     * The delivery that leads this one's batch — the deliveries of one shop recorded by one commit,
     * applied by one job (`webhook-<batch id>`) in one transaction. Null before batches (a batch of one).
     */
    batchId: uuid(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event").on(t.eventId, t.topic),
    index().on(t.shopDomain, t.receivedAt),
    // What the requeue sweep reads every minute (and at once when Redis goes away): the few not yet applied.
    index("webhook_deliveries_unprocessed").on(t.receivedAt, t.id).where(sql`${t.processedAt} is null and ${t.error} is null`),
    // A batch's job reads its deliveries not yet applied (a failed one keeps its error, and is read again on retry).
    index("webhook_deliveries_batch_unprocessed").on(t.batchId).where(sql`${t.processedAt} is null`),
  ],
);

/** A shop's customers/data_request: the customer's data, assembled for the brand to hand over. */
export const dataRequests = pgTable(
  "data_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    brandId: uuid().notNull(),
    storeId: uuid().notNull(),
    customerShopifyId: text().notNull(),
    shopifyRequestId: text(),
    requestedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Everything we hold about the customer, as JSON. */
    export: jsonb().notNull(),
  },
  (t) => [index().on(t.brandId, t.requestedAt)],
);
