import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { stores, webhookDeliveries } from "../../db/schema";
import type { QueuePort } from "../../infra/queue/port";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { parseLossless, stringifyLossless } from "../../lossless-json";
import { checkWebhookSignature, type HeaderReader } from "../../shopify/webhook-signature";

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Bodies over this are refused with 413 before they are read whole (Shopify's are far smaller). */
export const WEBHOOK_MAX_BYTES = 1024 * 1024;

/**
 * The shop a body names itself, where it does: `shop_domain` (compliance topics), `myshopify_domain`
 * (app/uninstalled, shop/update), or `domain` when it is a myshopify domain (a shop's primary
 * `domain` may be its own, which says nothing about the delivery).
 */
export function shopNamedInBody(payload: unknown): string | null {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return null;
  const body = payload as Record<string, unknown>;
  const norm = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().toLowerCase() : null);
  const domain = norm(body.domain);
  return norm(body.shop_domain) ?? norm(body.myshopify_domain) ?? (domain?.endsWith(".myshopify.com") ? domain : null);
}

/**
 * A parsed body as Postgres jsonb accepts it: jsonb refuses `\u0000` and lone surrogates, which JSON
 * allows. Those become U+FFFD in strings and keys; everything else is kept as sent. (Refusing them
 * instead would answer 500, and Shopify would retry the same body for 48 hours.)
 */
export function toStorableJson(value: unknown): unknown {
  if (typeof value === "string") return storableString(value);
  if (Array.isArray(value)) return value.map(toStorableJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableString(k), toStorableJson(v)]));
  }
  return value;
}

/** NUL, and a surrogate half without its other half (jsonb refuses both). */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storableString(s: string): string {
  return s.replace(UNSTORABLE, "\uFFFD");
}

const COMPLIANCE_TOPICS = new Set(["customers/data_request", "customers/redact", "shop/redact"]);

/**
 * The brands a delivery serves, carried by its job so that each sees it among its failed jobs:
 * those that have the shop connected (data topics, app/uninstalled, bulk_operations/finish apply
 * to those only) — and, for the compliance topics, every brand that ever connected it (they erase
 * or export what each still holds).
 */
function servedBrandIds(shopStores: { brandId: string; status: string }[], topic: string): string[] {
  const all = COMPLIANCE_TOPICS.has(topic);
  return [...new Set(shopStores.filter((s) => all || s.status === "connected").map((s) => s.brandId))];
}

function shopStoresOf(db: Db, shopDomain: string) {
  return db.select({ brandId: stores.brandId, status: stores.status }).from(stores).where(eq(stores.shopDomain, shopDomain));
}

/** A delivery whose HMAC and shop checked out, ready to record. */
export interface VerifiedDelivery {
  shopDomain: string;
  topic: string;
  webhookId: string;
  eventId: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  /** The body as JSON text jsonb takes (every digit of an id kept). */
  payloadText: string;
}

/** A delivery as received: its headers and the raw body the HMAC covers. */
export interface ReceivedWebhook {
  headers: HeaderReader;
  rawBody: string;
}

/**
 * What JSON allows and jsonb may refuse: a `\u0000` or surrogate escape (a raw NUL cannot appear in
 * valid JSON), or an exponent past numeric's range. Matching text inside a string only costs the
 * slower rewrite.
 */
const RISKY_FOR_JSONB = /\\u(?:0000|[dD][89a-fA-F])|[eE][+-]?\d{5}/;

/**
 * HMAC first (nothing is stored for a bad one), then the body: JSON, and a body that names its shop
 * must name the one it is delivered for. The HMAC covers the body only, not the
 * X-Shopify-Shop-Domain header: otherwise a signed body of one shop could be replayed as another's
 * (an app/uninstalled, a shop/redact).
 */
export function verifyShopifyWebhook(deps: { shopify: Shopify; log: Logger }, input: ReceivedWebhook): { answer: WebhookAnswer } | { delivery: VerifiedDelivery } {
  const { headers, rawBody } = input;
  const check = checkWebhookSignature(deps.shopify.config.apiSecretKey, rawBody, headers);
  if (!check.valid) {
    deps.log.warn({ reason: check.reason, missingHeaders: check.missingHeaders }, "webhook rejected");
    return { answer: { status: 401, body: { error: "Webhook could not be verified" } } };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return { answer: { status: 400, body: { error: "Webhook body is not JSON" } } };
  }
  const named = shopNamedInBody(payload);
  if (named && named !== check.domain.toLowerCase()) {
    deps.log.warn({ shop: check.domain, bodyShop: named, topic: check.topic }, "webhook refused: body names another shop");
    return { answer: { status: 401, body: { error: `Webhook body is for ${named}, but it was delivered for ${check.domain}` } } };
  }
  // Dates a deletion (tombstones): a header that is no time is dropped (the receive time stands in), never a reason to refuse the delivery.
  const triggered = new Date(headers.get("x-shopify-triggered-at") ?? Number.NaN);
  return {
    delivery: {
      shopDomain: check.domain,
      topic: check.topic,
      webhookId: check.webhookId,
      eventId: headers.get("x-shopify-event-id") ?? check.webhookId,
      apiVersion: check.apiVersion,
      triggeredAt: Number.isNaN(triggered.getTime()) ? null : triggered,
      // Valid JSON is stored as sent (jsonb keeps every digit of an id); only a body with an escape
      // jsonb refuses is rewritten (and parsed again, losslessly, for that).
      payloadText: RISKY_FOR_JSONB.test(rawBody) ? stringifyLossless(toStorableJson(parseLossless(rawBody))) : rawBody,
    },
  };
}

type Row = Record<string, unknown>;

/**
 * A recorded batch's job: the deliveries of one shop that one commit recorded, named by the first
 * of them (`deliveryId`, which each delivery of the batch holds as its `batch_id`), for which brands.
 */
export interface DeliveryJob {
  deliveryId: string;
  brandIds: string[];
}

/**
 * Commits verified deliveries — one, or every delivery a group commit gathered — in one statement
 * (one round trip: the shops' stores are read in it), deduplicated on Shopify's event id. A shop no
 * brand ever connected is answered (so Shopify stops retrying) and ignored, not stored. Each shop's
 * deliveries form a batch, applied by one job in one transaction (webhooks/apply.ts). Returns the
 * answers and the jobs to queue (`queueDeliveries`).
 */
export async function commitDeliveries(deps: { db: Db; log: Logger }, deliveries: VerifiedDelivery[]): Promise<{ answers: WebhookAnswer[]; jobs: DeliveryJob[] }> {
  const ids = deliveries.map(() => randomUUID());
  const batchOf = new Map<string, string>();
  // Each shop's deliveries in this commit are a batch, named by its first one.
  for (const [i, d] of deliveries.entries()) if (!batchOf.has(d.shopDomain)) batchOf.set(d.shopDomain, ids[i]!);
  // One JSON document for the group, each body spliced in as sent (it is JSON jsonb takes): no
  // re-serializing, and none of the per-element escaping an array of 8 KB bodies costs.
  const json = (v: string | null | undefined) => JSON.stringify(v ?? null);
  const doc = `[${deliveries
    .map(
      (d, i) =>
        `{"i":"${ids[i]}","b":"${batchOf.get(d.shopDomain)}","s":${json(d.shopDomain)},"t":${json(d.topic)},"w":${json(d.webhookId)},"e":${json(d.eventId)},"a":${json(d.apiVersion)},"ts":${json(d.triggeredAt?.toISOString())},"p":${d.payloadText}}`,
    )
    .join(",")}]`;
  const rows = await deps.db.execute<Row>(sql`
    with known as (select shop_domain, brand_id::text as brand_id, status from stores where shop_domain in ${[...batchOf.keys()]}),
    ins as (
      insert into webhook_deliveries (id, batch_id, shop_domain, topic, webhook_id, event_id, api_version, triggered_at, payload)
      select v.i, v.b, v.s, v.t, v.w, v.e, v.a, v.ts, v.p
      from jsonb_to_recordset(${doc}::jsonb) as v(i uuid, b uuid, s text, t text, w text, e text, a text, ts timestamptz, p jsonb)
      where exists (select 1 from known k where k.shop_domain = v.s)
      on conflict do nothing
      returning id)
    select id::text as id, null as shop_domain, null as brand_id, null as status from ins
    union all select null, shop_domain, brand_id, status from known`);
  const storeRows = rows.filter((r) => r.id === null).map((r) => ({ shopDomain: String(r.shop_domain), brandId: String(r.brand_id), status: String(r.status) }));
  // A delivery repeated within one group is recorded once: the one inserted is answered "received".
  const inserted = new Set(rows.filter((r) => r.id !== null).map((r) => String(r.id)));
  const batches = new Map<string, DeliveryJob>();
  const answers = deliveries.map((d, i): WebhookAnswer => {
    const shopStores = storeRows.filter((s) => s.shopDomain === d.shopDomain);
    if (!shopStores.length) {
      deps.log.warn({ shop: d.shopDomain, topic: d.topic }, "webhook for an unknown shop ignored");
      return { status: 200, body: { ignored: true } };
    }
    if (!inserted.has(ids[i]!)) {
      deps.log.info({ eventId: d.eventId, shop: d.shopDomain }, "duplicate webhook ignored");
      return { status: 200, body: { duplicate: true } };
    }
    const batch = batchOf.get(d.shopDomain)!;
    const job = batches.get(batch) ?? { deliveryId: batch, brandIds: [] };
    job.brandIds = [...new Set([...job.brandIds, ...servedBrandIds(shopStores, d.topic)])];
    batches.set(batch, job);
    return { status: 200, body: { received: true } };
  });
  return { answers, jobs: [...batches.values()] };
}

/**
 * Queues recorded deliveries' jobs in one round trip. Never throws: a delivery recorded but not
 * queued (the queue unreachable) stays unprocessed until `requeueUnprocessedDeliveries` queues it.
 */
export async function queueDeliveries(deps: { jobs: JobProducer; log: Logger }, jobs: DeliveryJob[]): Promise<void> {
  if (!jobs.length) return;
  try {
    await deps.jobs.enqueueMany(
      "ingestion",
      "shopifyWebhook",
      jobs.map((job) => ({ payload: job, opts: { jobId: `webhook-${job.deliveryId}` } })),
    );
  } catch (err) {
    deps.log.error({ err, deliveries: jobs.length }, "webhooks recorded but not queued");
  }
}

/** Commits deliveries, then queues them (the Next.js route's path; the lean path answers before queueing). */
export async function recordDeliveries(deps: { db: Db; jobs: JobProducer; log: Logger }, deliveries: VerifiedDelivery[]): Promise<WebhookAnswer[]> {
  const { answers, jobs } = await commitDeliveries(deps, deliveries);
  await queueDeliveries(deps, jobs);
  return answers;
}

/**
 * Shopify's webhook endpoint: verified (HMAC, shop), then committed to Postgres — deduplicated on
 * Shopify's event id — and only then queued. `recorder` records through a group commit (the lean
 * path's); without it the delivery is recorded on its own.
 */
export async function receiveShopifyWebhook(
  deps: { db: Db; shopify: Shopify; jobs: JobProducer; log: Logger; recorder?: (delivery: VerifiedDelivery) => Promise<WebhookAnswer> },
  input: ReceivedWebhook,
): Promise<WebhookAnswer> {
  const verified = verifyShopifyWebhook(deps, input);
  if ("answer" in verified) return verified.answer;
  if (deps.recorder) return deps.recorder(verified.delivery);
  const [answer] = await recordDeliveries(deps, [verified.delivery]);
  return answer!;
}

/**
 * Queues recorded deliveries that have no job (recorded while Redis was down, or lost with it): a
 * job per batch, which applies every delivery of the batch still waiting. A delivery whose job
 * failed stays with its failed job, for an operator to retry.
 */
export async function requeueUnprocessedDeliveries(deps: { db: Db; jobs: JobProducer; queue: QueuePort }, input: { olderThanMs: number; limit: number; pages?: number }): Promise<number> {
  const before = new Date(Date.now() - input.olderThanMs);
  let after: { at: Date; id: string } | undefined;
  let queued = 0;
  // An outage's backlog is mostly a few shops' deliveries: each shop's stores are read once.
  const storesOf = new Map<string, Promise<{ brandId: string; status: string }[]>>();
  const seen = new Set<string>();
  // Page by page (a Redis outage can leave thousands), oldest first, each page after the last.
  for (let page = 0; page < (input.pages ?? 20); page++) {
    const stale = await deps.db
      .select({ id: webhookDeliveries.id, batchId: webhookDeliveries.batchId, receivedAt: webhookDeliveries.receivedAt, shopDomain: webhookDeliveries.shopDomain, topic: webhookDeliveries.topic })
      .from(webhookDeliveries)
      .where(
        and(
          isNull(webhookDeliveries.processedAt),
          isNull(webhookDeliveries.error),
          lt(webhookDeliveries.receivedAt, before),
          after ? sql`(${webhookDeliveries.receivedAt}, ${webhookDeliveries.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(webhookDeliveries.receivedAt, webhookDeliveries.id)
      .limit(input.limit);
    for (const { id, batchId, shopDomain, topic } of stale) {
      const batch = batchId ?? id;
      if (seen.has(batch)) continue;
      seen.add(batch);
      if (await deps.queue.getJob("ingestion", `webhook-${batch}`)) continue;
      if (!storesOf.has(shopDomain)) storesOf.set(shopDomain, shopStoresOf(deps.db, shopDomain).execute());
      const brandIds = servedBrandIds(await storesOf.get(shopDomain)!, topic);
      await deps.jobs.enqueue("ingestion", "shopifyWebhook", { deliveryId: batch, brandIds }, { jobId: `webhook-${batch}` });
      queued++;
    }
    if (stale.length < input.limit) break;
    after = { at: stale.at(-1)!.receivedAt, id: stale.at(-1)!.id };
  }
  return queued;
}

/** Deliveries applied (a batch's, in the transaction that applied them). */
export async function markDeliveriesProcessed(db: Db | Tx, deliveryIds: string[]): Promise<void> {
  if (!deliveryIds.length) return;
  await db.update(webhookDeliveries).set({ processedAt: new Date(), error: null }).where(inArray(webhookDeliveries.id, deliveryIds));
}

/** One delivery applied, or (with `error`) given up on with the reason, kept for an operator. */
export async function markDeliveryProcessed(deps: { db: Db }, input: { deliveryId: string; error?: string }): Promise<void> {
  await deps.db
    .update(webhookDeliveries)
    .set(input.error ? { error: input.error } : { processedAt: new Date(), error: null })
    .where(eq(webhookDeliveries.id, input.deliveryId));
}
