import { and, asc, eq, getTableColumns, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopifySession, stores, webhookDeliveries } from "../../db/schema";
import { isRetryable, MalformedDataError } from "../../errors";
import type { Logger } from "../../logger";
import { parseLossless } from "../../lossless-json";
import type { JobProducer } from "../../jobs/queue";
import type { PubSubPort } from "../../infra/pubsub/port";
import type { CachePort } from "../../infra/cache/port";
import { announceShopData } from "../commerce/announce";
import { customersTouchedByWebhook, followTouchedIn, type TouchedCustomers } from "../identity/shopify";
import { announceProfiles } from "../identity/resolve";
import { connectedStores, type DataChange, isDataTopic, mapDataWebhook, writeDataChanges } from "../commerce/apply";
import { recordDataRequest, redactCustomer, redactShop } from "../compliance/compliance";
import { reconcileScheduleId } from "../stores/connect";
import { mayBecome } from "../stores/status-rules";
import { onBulkOperationFinished, stopHistorySync } from "../sync/history";
import { markDeliveriesProcessed, markDeliveryProcessed } from "./receive";

type Delivery = typeof webhookDeliveries.$inferSelect;
/** `pubsub`: where committed data changes are announced to live pages (absent: nothing is announced). */
type ApplyDeps = { db: Db; log: Logger; jobs?: JobProducer; pubsub?: PubSubPort; cache?: CachePort };

/** Tells the live pages of every brand with this shop that its data changed (after the commit). */
async function announceApplied(deps: ApplyDeps, shopDomain: string): Promise<void> {
  if (!deps.pubsub) return;
  try {
    await announceShopData({ db: deps.db, pubsub: deps.pubsub }, { shopDomain });
  } catch (err) {
    // The data is in: a missed announcement only delays the pages until their next heartbeat.
    deps.log.warn({ shop: shopDomain, err }, "data change not announced");
  }
}

/** What a batch's job did: deliveries applied, and those it found nothing to do for (with why, when one). */
export interface BatchOutcome {
  applied: number;
  skipped: number;
  reason?: string;
}

/**
 * Applies a recorded batch: the deliveries of one shop that one commit recorded (receive.ts), named
 * by the first of them; a delivery recorded before batches is a batch of one. Idempotent: processed
 * deliveries are not read again, and data upserts never let an older `updated_at` overwrite a newer
 * one. Data topics are applied together in one transaction (`applyDataRun`); the rest one by one,
 * in the order they were received. A delivery that cannot be applied (a malformed body: a domain error
 * retrying cannot fix) is marked with the reason and, once the others are in, its error thrown on for
 * the queue to fail the job permanently; database errors are thrown as they are, and retried.
 */
export async function applyShopifyWebhook(deps: ApplyDeps, input: { deliveryId: string }): Promise<BatchOutcome> {
  // The bodies as jsonb's text, parsed here: the driver's JSON.parse would round 18-digit ids.
  const rows = await deps.db
    .select({ ...getTableColumns(webhookDeliveries), payload: sql<string>`${webhookDeliveries.payload}::text` })
    .from(webhookDeliveries)
    .where(and(or(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.batchId, input.deliveryId)), isNull(webhookDeliveries.processedAt)))
    .orderBy(asc(webhookDeliveries.receivedAt), asc(webhookDeliveries.id));
  if (!rows.length) return { applied: 0, skipped: 0, reason: "already processed" };
  const deliveries: Delivery[] = rows.map((row) => ({ ...row, payload: parseLossless(row.payload) }));
  const outcome: BatchOutcome = { applied: 0, skipped: 0 };
  const failures: Error[] = [];
  const count = (result: { applied: number; skipped: number; reason?: string }) => {
    outcome.applied += result.applied;
    outcome.skipped += result.skipped;
    if (result.reason && !outcome.reason) outcome.reason = result.reason;
  };
  // Consecutive data deliveries go together (a batch is one shop's); any other topic is applied on its own, in its turn.
  let run: Delivery[] = [];
  const flush = async () => {
    if (!run.length) return;
    const result = await applyDataRun(deps, run);
    run = [];
    failures.push(...result.failures);
    count({ applied: result.applied, skipped: 0 });
  };
  for (const delivery of deliveries) {
    if (isDataTopic(delivery.topic)) {
      run.push(delivery);
      continue;
    }
    await flush();
    try {
      const result = await applyDelivery(deps, delivery);
      count({ applied: result.applied ? 1 : 0, skipped: result.applied ? 0 : 1, reason: result.reason });
    } catch (err) {
      if (isRetryable(err)) throw err;
      await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: (err as Error).message });
      failures.push(err as Error);
    }
  }
  await flush();
  if (failures.length) {
    const first = failures[0]!;
    if (deliveries.length === 1) throw first;
    throw new MalformedDataError(first.message, `${first.message} (${failures.length} of ${deliveries.length} deliveries in this batch could not be applied; the others were)`);
  }
  return outcome;
}

/**
 * Applies a shop's data deliveries in one transaction: each body mapped to its change (one that
 * cannot be is marked with the reason and left out), the changes written to every brand with the
 * shop connected — upserts gathered into one statement per table (commerce/apply.ts) —, profiles
 * following every customer touched (each brand's identity lock taken once), and the deliveries marked
 * processed: all or nothing, so a crash leaves them to be applied again, and the store's order
 * writers' lock and the summaries' triggers are paid once for the lot instead of once a delivery.
 */
async function applyDataRun(deps: ApplyDeps, run: Delivery[]): Promise<{ applied: number; failures: Error[] }> {
  const shopDomain = run[0]!.shopDomain;
  const failures: Error[] = [];
  const mapped: { delivery: Delivery; change: DataChange }[] = [];
  for (const delivery of run) {
    try {
      mapped.push({ delivery, change: mapDataWebhook({ topic: delivery.topic, body: delivery.payload, triggeredAt: triggeredAt(delivery) }) });
    } catch (err) {
      if (isRetryable(err)) throw err;
      await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: (err as Error).message });
      failures.push(err as Error);
    }
  }
  if (!mapped.length) return { applied: 0, failures };
  const targets = await connectedStores(deps.db, shopDomain);
  const roots = await deps.db.transaction(async (tx) => {
    // The customers each delivery concerns, read before anything is written (an order's deletion leaves no row to find its customer by).
    const touched: TouchedCustomers[] = [];
    for (const { delivery } of mapped) touched.push(...(await customersTouchedByWebhook(tx, { stores: targets, topic: delivery.topic, body: delivery.payload })));
    await writeDataChanges(tx, targets, mapped.map((m) => m.change));
    // Profiles follow the data; a retry re-applies idempotently and follows again.
    const followed = await followTouchedIn(tx, touched);
    await markDeliveriesProcessed(tx, mapped.map((m) => m.delivery.id));
    return followed;
  });
  for (const [brandId, brandRoots] of roots) await announceProfiles(deps, brandId, brandRoots);
  await announceApplied(deps, shopDomain);
  return { applied: mapped.length, failures };
}

/**
 * When Shopify triggered the delivery (`X-Shopify-Triggered-At`), or, without that header, when we
 * received it (never earlier than the event): the time of a deletion or redaction, for its tombstone.
 * The header is outside the HMAC; it is believed as it is, since a wrong time could only make the
 * deletion of a record Shopify really deleted (the body is signed) more final — Shopify never
 * sends a version of it again.
 */
function triggeredAt(delivery: Pick<Delivery, "triggeredAt" | "receivedAt">): Date {
  return delivery.triggeredAt ?? delivery.receivedAt;
}

async function applyDelivery(deps: ApplyDeps, delivery: Delivery): Promise<{ applied: boolean; reason?: string }> {
  if (delivery.topic === "app/uninstalled") {
    const affected = await deps.db.transaction(async (tx) => {
      const moved = await tx
        .update(stores)
        .set({ status: "uninstalled", statusChangedAt: new Date() })
        .where(and(eq(stores.shopDomain, delivery.shopDomain), mayBecome("uninstalled")))
        .returning({ id: stores.id });
      // Shopify has revoked the tokens: keeping them would only be a liability.
      await tx.delete(shopifySession).where(eq(shopifySession.shop, delivery.shopDomain));
      return moved;
    });
    for (const s of affected) {
      await deps.jobs?.unschedule("sync", reconcileScheduleId(s.id));
      await stopHistorySync(deps, { storeId: s.id, reason: `Stopped: the Brandbase app was uninstalled from ${delivery.shopDomain}.` });
    }
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    deps.log.warn({ shop: delivery.shopDomain }, "app uninstalled: store marked uninstalled");
    return { applied: true };
  }

  if (delivery.topic === "bulk_operations/finish") {
    const operationId = (delivery.payload as { admin_graphql_api_id?: unknown }).admin_graphql_api_id;
    const polled = typeof operationId === "string" && deps.jobs ? await onBulkOperationFinished({ db: deps.db, jobs: deps.jobs }, { shopDomain: delivery.shopDomain, operationId }) : 0;
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    return { applied: polled > 0, reason: polled ? undefined : "no sync step waits for this bulk operation" };
  }

  const compliance: Record<string, () => Promise<unknown>> = {
    "customers/data_request": () => recordDataRequest(deps, { shopDomain: delivery.shopDomain, body: delivery.payload as never }),
    "customers/redact": () => redactCustomer(deps, { shopDomain: delivery.shopDomain, body: delivery.payload as never, redactedAt: triggeredAt(delivery) }),
    "shop/redact": () => redactShop(deps, { shopDomain: delivery.shopDomain }),
  };
  if (Object.hasOwn(compliance, delivery.topic)) {
    await compliance[delivery.topic]!();
    // customers/redact may have deleted this very delivery (it names the customer): marking is then a no-op.
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    await announceApplied(deps, delivery.shopDomain);
    deps.log.warn({ shop: delivery.shopDomain, topic: delivery.topic }, "compliance request applied");
    return { applied: true };
  }

  const reason = `No handler for ${delivery.topic} yet; kept for later`;
  await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: reason });
  return { applied: false, reason };
}
