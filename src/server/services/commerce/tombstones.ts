import { and, eq, getTableName, inArray, or, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { shopTombstones } from "../../db/schema";

/**
 * Deletions that stay deleted. A deleted record leaves a tombstone `(store, entity, shopify id,
 * deleted_at)`, and every writer of the record tables — webhook upserts and the paginated sync
 * (`write.ts`), the history sync's promotion (`sync/bulk/staging.ts`) — refuses a version whose
 * `updated_at` is not newer than `deleted_at`: a late or reordered delivery, an export or a page read
 * before the deletion. A version newer than the deletion is written (the usual "newer wins" rule;
 * Shopify never reuses ids, so it would be Shopify's own word that the record exists again) and
 * clears the tombstone: a `deleted` tombstone exists exactly while the record does not, which is
 * what lets promotion keep a deleted order's lines and refunds out with a plain anti-join.
 *
 * `customers/redact` leaves `redacted` tombstones: the customer is refused like a deleted one, and an
 * order of that customer (or named by the request) that is not newer than the redaction is written
 * without its contact details, so neither comes back with the personal data that was erased.
 */

export type RecordEntity = "orders" | "customers" | "products";
export type TombstoneReason = "deleted" | "redacted";

/** An order's contact details: what customers/redact erases from orders (columns of shop_orders). */
export const ORDER_CONTACT_COLUMNS = ["email", "phone"] as const;

const LOCK_KEY: Record<RecordEntity, number> = { orders: 1, customers: 2, products: 3 };

/** The table's name, for the set-based SQL of promotion. */
export const TOMBSTONES = getTableName(shopTombstones);

/**
 * The transaction-scoped lock that orders deletions against writes of one store's records of one
 * kind, as SQL for postgres.js (`$1` the store id, `$2` the entity's key from `recordLockKey`).
 * Writers hold it shared, so they never wait for one another; a deletion holds it exclusively. Under
 * READ COMMITTED an insert that began before a deletion committed could otherwise land after it (the
 * delete cannot see the uncommitted row, the insert's snapshot cannot see the tombstone): now a
 * deletion waits for the writes in flight and deletes what they wrote, and a write that starts after
 * it reads its tombstone. Take it before the first statement that reads tombstones or writes rows.
 */
export const RECORD_LOCK_SQL = {
  write: "SELECT pg_advisory_xact_lock_shared(hashtext($1::text), $2::int)",
  delete: "SELECT pg_advisory_xact_lock(hashtext($1::text), $2::int)",
} as const;

export function recordLockKey(entity: RecordEntity): number {
  return LOCK_KEY[entity];
}

/**
 * A store's writers of orders take turns (`$1` the store id), holding this from before their first
 * row lock to their commit: the rows they write feed the store's maintained summaries (a day, a
 * product's month, a customer), which every order of the store shares, and two transactions each
 * writing several orders would otherwise lock those rows in opposite orders and deadlock. Taken
 * right after the shared record lock (a deletion, which holds that exclusively, needs neither).
 * `lock_order_writers` (migration 0017) is the lock's one definition; the summaries' triggers take it too.
 */
export const ORDER_WRITERS_LOCK_SQL = "SELECT lock_order_writers($1::uuid)";

/** RECORD_LOCK_SQL on a Drizzle transaction (with ORDER_WRITERS_LOCK_SQL for a writer of orders). */
export async function lockRecords(tx: Tx, storeId: string, entity: RecordEntity, mode: "write" | "delete"): Promise<void> {
  const key = LOCK_KEY[entity];
  await tx.execute(mode === "write" ? sql`select pg_advisory_xact_lock_shared(hashtext(${storeId}::text), ${key}::int)` : sql`select pg_advisory_xact_lock(hashtext(${storeId}::text), ${key}::int)`);
  if (entity === "orders" && mode === "write") await tx.execute(sql`select lock_order_writers(${storeId}::uuid)`);
}

/** Records the deletion; a record deleted and redacted keeps `deleted` and the later time. */
export async function writeTombstones(tx: Tx, storeId: string, entity: RecordEntity, shopifyIds: bigint[], deletedAt: Date, reason: TombstoneReason): Promise<void> {
  if (!shopifyIds.length) return;
  await tx
    .insert(shopTombstones)
    .values([...new Set(shopifyIds)].map((shopifyId) => ({ storeId, entity, shopifyId, deletedAt, reason })))
    .onConflictDoUpdate({
      target: [shopTombstones.storeId, shopTombstones.entity, shopTombstones.shopifyId],
      set: {
        deletedAt: sql`greatest(${shopTombstones.deletedAt}, excluded.deleted_at)`,
        reason: sql`case when 'deleted' in (${shopTombstones.reason}, excluded.reason) then 'deleted' else excluded.reason end`,
      },
    });
}

/** What the tombstones say about one incoming version of a record. */
export interface Verdict {
  /** `refuse`: a tombstone is as new or newer; `withoutContacts`: an order redacted (itself or its customer) no earlier than this version. */
  action: "write" | "refuse" | "withoutContacts";
  /** The record's `deleted` tombstone is older than this version: writing it clears the tombstone (clearTombstones). */
  supersedes: boolean;
}

/** An incoming version of a record: its id, when it was updated, and (an order) the customer it names. */
export interface IncomingVersion {
  shopifyId: bigint;
  updatedAt: string;
  customerShopifyId?: bigint | null;
}

/**
 * For each incoming version (one select for them all): whether it may be written — refused when the
 * record's own tombstone is as new or newer (for an order, one left by its deletion); written without
 * contact details when the order, or the customer it names, was redacted no earlier than this
 * version. Call it after `lockRecords(…, "write")`.
 */
export async function tombstoneVerdicts(tx: Tx, input: { storeId: string; entity: RecordEntity; versions: IncomingVersion[] }): Promise<Verdict[]> {
  if (!input.versions.length) return [];
  const t = shopTombstones;
  const ids = [...new Set(input.versions.map((v) => v.shopifyId))];
  const customers = [...new Set(input.versions.flatMap((v) => (v.customerShopifyId ? [v.customerShopifyId] : [])))];
  const own = and(eq(t.entity, input.entity), inArray(t.shopifyId, ids));
  const redactedCustomers = customers.length ? and(eq(t.entity, "customers"), eq(t.reason, "redacted"), inArray(t.shopifyId, customers)) : undefined;
  const found = await tx
    .select({ entity: t.entity, shopifyId: t.shopifyId, reason: t.reason, deletedAt: t.deletedAt })
    .from(t)
    .where(and(eq(t.storeId, input.storeId), redactedCustomers ? or(own, redactedCustomers) : own));
  const of = new Map<string, typeof found>();
  for (const f of found) of.set(`${f.entity}:${f.shopifyId}`, [...(of.get(`${f.entity}:${f.shopifyId}`) ?? []), f]);
  return input.versions.map((v) => {
    const mine = of.get(`${input.entity}:${v.shopifyId}`) ?? [];
    const customer = v.customerShopifyId && input.entity !== "customers" ? (of.get(`customers:${v.customerShopifyId}`) ?? []).filter((f) => f.reason === "redacted") : [];
    const version = new Date(v.updatedAt).getTime();
    const covering = [...mine, ...customer].filter((f) => f.deletedAt.getTime() >= version);
    const supersedes = mine.some((f) => f.reason === "deleted" && f.deletedAt.getTime() < version);
    if (!covering.length) return { action: "write", supersedes };
    const refused = covering.some((f) => f.entity === input.entity && (input.entity !== "orders" || f.reason === "deleted"));
    return { action: refused ? "refuse" : "withoutContacts", supersedes };
  });
}

/** The record was written in a version newer than its deletion: it exists again. */
export async function clearTombstones(tx: Tx, storeId: string, entity: RecordEntity, shopifyIds: bigint[]): Promise<void> {
  if (!shopifyIds.length) return;
  const t = shopTombstones;
  await tx.delete(t).where(and(eq(t.storeId, storeId), eq(t.entity, entity), inArray(t.shopifyId, shopifyIds), eq(t.reason, "deleted")));
}

/** Whether the order is deleted (a refund for it must not bring back part of it). */
export async function orderDeleted(tx: Tx, storeId: string, orderShopifyId: bigint): Promise<boolean> {
  const t = shopTombstones;
  const [found] = await tx
    .select({ reason: t.reason })
    .from(t)
    .where(and(eq(t.storeId, storeId), eq(t.entity, "orders"), eq(t.shopifyId, orderShopifyId), eq(t.reason, "deleted")));
  return Boolean(found);
}

/** Which tombstones a promotion of `entity` must look at: none at all in a store that never saw a deletion (the usual first sync). */
export interface PromotionGuards {
  /** The store has tombstones of the entity. */
  own: boolean;
  /** For orders: the store has redacted customers. */
  redactedCustomers: boolean;
}

/**
 * Read under the promotion's shared lock (RECORD_LOCK_SQL), which no deletion or redaction of the
 * entity can commit through: the answer holds for the whole chunk transaction.
 */
export const PROMOTION_GUARDS_SQL = `SELECT EXISTS (SELECT 1 FROM ${TOMBSTONES} WHERE store_id = $1::uuid AND entity = $2) AS own,
  $2 = 'orders' AND EXISTS (SELECT 1 FROM ${TOMBSTONES} WHERE store_id = $1::uuid AND entity = 'customers' AND reason = 'redacted') AS "redactedCustomers"`;
