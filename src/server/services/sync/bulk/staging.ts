import { finished } from "node:stream/promises";
import type postgres from "postgres";
import type { Sql } from "../../../db/client";
import { ORDER_CONTACT_COLUMNS, ORDER_WRITERS_LOCK_SQL, PROMOTION_GUARDS_SQL, type PromotionGuards, RECORD_LOCK_SQL, recordLockKey, TOMBSTONES } from "../../commerce/tombstones";
import type { ChunkRows, EntityDef, TableDef } from "./entities";

/**
 * Per-step staging tables in the `sync_staging` schema: UNLOGGED (fast COPY; Postgres empties them
 * after its own crash, which resume detects), tagged by chunk with a BRIN index (rows arrive in chunk
 * order, so the index is tiny and nearly free to maintain), dropped when the step is done.
 */

/** A connection or a transaction of postgres.js. */
export type Conn = Sql | postgres.TransactionSql;

export function stagingTable(stepId: string, table: TableDef): string {
  return `sync_staging."s${stepId.replaceAll("-", "")}_${table.key}"`;
}

export async function createStaging(sql: Sql, stepId: string, def: EntityDef): Promise<void> {
  for (const t of def.tables) {
    const name = stagingTable(stepId, t);
    const cols = t.columns.map(([c, type]) => `${c} ${type}`).join(", ");
    await sql.unsafe(`CREATE UNLOGGED TABLE IF NOT EXISTS ${name} (chunk integer NOT NULL, ${cols}) WITH (autovacuum_enabled = false)`);
    await sql.unsafe(`CREATE INDEX IF NOT EXISTS "s${stepId.replaceAll("-", "")}_${t.key}_chunk" ON ${name} USING brin (chunk) WITH (pages_per_range = 16)`);
  }
}

export async function dropStaging(sql: Sql, stepId: string, def: EntityDef): Promise<void> {
  for (const t of def.tables) await sql.unsafe(`DROP TABLE IF EXISTS ${stagingTable(stepId, t)}`);
}

/** Loads a chunk's rows with COPY, on the caller's transaction. */
export async function copyChunk(tx: Conn, stepId: string, def: EntityDef, rows: ChunkRows): Promise<void> {
  for (const t of def.tables) {
    const text = rows.bytes(t.key);
    if (!text.length) continue;
    const columns = ["chunk", ...t.columns.map(([c]) => c)].join(", ");
    const stream = await tx.unsafe(`COPY ${stagingTable(stepId, t)} (${columns}) FROM STDIN`).writable();
    stream.end(text);
    await finished(stream);
  }
}

/** Removes the staged rows of chunks after `seq` (those not promoted when a step resumes). */
export async function discardChunksAfter(tx: Conn, stepId: string, def: EntityDef, seq: number): Promise<void> {
  for (const t of def.tables) await tx.unsafe(`DELETE FROM ${stagingTable(stepId, t)} WHERE chunk > $1`, [seq]);
}

/** Whether staging still holds chunk `seq` (Postgres empties unlogged tables after a crash). */
export async function hasChunk(sql: Sql, stepId: string, def: EntityDef, seq: number): Promise<boolean> {
  const [row] = await sql.unsafe(`SELECT EXISTS (SELECT 1 FROM ${stagingTable(stepId, def.tables[0]!)} WHERE chunk = $1) AS present`, [seq]);
  return Boolean(row?.present);
}

/**
 * The chunk's rows as promotion writes them (after `$1` brand, `$2` store; `$3` is the chunk), less
 * what tombstones keep out (commerce/tombstones.ts): a record deleted no earlier than its staged
 * version — the export was read before the deletion — and the lines and refunds of a deleted order;
 * an order redacted (itself or its customer) no earlier than its staged version comes without
 * contact details. Anti-joins on the store's tombstones, set-based like the rest of promotion, and
 * only those the store has any tombstones for (`guards`): a store without deletions promotes as if
 * tombstones did not exist.
 */
function promotionSource(stepId: string, t: TableDef, guards: PromotionGuards): { columns: string; from: string } {
  const stage = `${stagingTable(stepId, t)} s`;
  const names = t.columns.map(([c]) => c);
  const plain = { columns: names.map((c) => `s.${c}`).join(", "), from: `${stage} WHERE s.chunk = $3` };
  const guard = t.tombstones;
  if (!guard) return plain;
  if ("deletedParent" in guard) {
    if (!guards.own) return plain;
    // A deleted order has a `deleted` tombstone exactly while it is not stored.
    const parentDeleted = `SELECT 1 FROM ${TOMBSTONES} d WHERE d.store_id = $2::uuid AND d.entity = '${guard.deletedParent}' AND d.reason = 'deleted' AND d.shopify_id = s.${guard.column}`;
    return { columns: plain.columns, from: `${plain.from} AND NOT EXISTS (${parentDeleted})` };
  }
  const covers = (alias: string, entity: string, id: string) => `${alias}.store_id = $2::uuid AND ${alias}.entity = '${entity}' AND ${alias}.shopify_id = ${id} AND ${alias}.deleted_at >= s.updated_at`;
  if (guard.record !== "orders") {
    if (!guards.own) return plain;
    return { columns: plain.columns, from: `${plain.from} AND NOT EXISTS (SELECT 1 FROM ${TOMBSTONES} d WHERE ${covers("d", guard.record, "s.shopify_id")})` };
  }
  // Orders: refused when deleted; without contact details when the order or its customer was redacted.
  if (!guards.own && !guards.redactedCustomers) return plain;
  const joins: string[] = [];
  const redacted: string[] = [];
  let where = "";
  if (guards.own) {
    joins.push(`LEFT JOIN ${TOMBSTONES} o ON ${covers("o", "orders", "s.shopify_id")}`);
    redacted.push("o.reason IS NOT NULL");
    where = " AND (o.reason IS NULL OR o.reason = 'redacted')";
  }
  if (guards.redactedCustomers) {
    joins.push(`LEFT JOIN ${TOMBSTONES} c ON ${covers("c", "customers", "s.customer_shopify_id")} AND c.reason = 'redacted'`);
    redacted.push("c.reason IS NOT NULL");
  }
  const contacts = new Set<string>(ORDER_CONTACT_COLUMNS);
  return {
    columns: names.map((c) => (contacts.has(c) ? `CASE WHEN ${redacted.join(" OR ")} THEN NULL ELSE s.${c} END` : `s.${c}`)).join(", "),
    from: `${stage} ${joins.join(" ")} WHERE s.chunk = $3${where}`,
  };
}

/** Staged versions newer than their record's deletion: the record exists again, so its tombstone goes (`$1` store, `$2` chunk). */
function supersededSql(stepId: string, t: TableDef, entity: string): string {
  return `DELETE FROM ${TOMBSTONES} d USING ${stagingTable(stepId, t)} s
    WHERE s.chunk = $2 AND d.store_id = $1::uuid AND d.entity = '${entity}' AND d.reason = 'deleted' AND d.shopify_id = s.shopify_id AND d.deleted_at < s.updated_at`;
}

function promoteSql(stepId: string, def: EntityDef, t: TableDef, guards: PromotionGuards): string {
  const names = t.columns.map(([c]) => c);
  const cols = names.join(", ");
  const insert = `INSERT INTO ${t.target} (brand_id, store_id, ${cols})`;
  const update = names
    .filter((c) => c !== "shopify_id")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
  if (t.conflict === "keep") {
    // Line items and refunds never change once created: a row already there is the same row.
    const source = promotionSource(stepId, t, guards);
    return `${insert} SELECT $1::uuid, $2::uuid, ${source.columns} FROM ${source.from} ON CONFLICT (${t.conflictKey ?? "store_id, shopify_id"}) DO NOTHING`;
  }
  if (t.conflict === "newer") {
    // A chunk holds each root once (see ingest); across chunks and against webhooks the guard decides.
    const source = promotionSource(stepId, t, guards);
    return `${insert} SELECT $1::uuid, $2::uuid, ${source.columns} FROM ${source.from}
      ON CONFLICT (store_id, shopify_id) DO UPDATE SET ${update} WHERE ${t.target}.updated_at < excluded.updated_at`;
  }
  // `parent`: written when the stored parent is the version this sync read (a newer one brought its own children).
  const stage = stagingTable(stepId, t);
  const parent = def.tables.find((p) => p.key === t.parent!.key)!;
  const stagedParents = `(SELECT DISTINCT ON (shopify_id) shopify_id, updated_at FROM ${stagingTable(stepId, parent)} ORDER BY shopify_id, updated_at DESC)`;
  const childCols = names.map((c) => `c.${c}`).join(", ");
  return `${insert} SELECT DISTINCT ON (c.shopify_id) $1::uuid, $2::uuid, ${childCols} FROM ${stage} c
      JOIN ${stagedParents} sp ON sp.shopify_id = c.${t.parent!.column}
      JOIN ${parent.target} p ON p.store_id = $2::uuid AND p.shopify_id = c.${t.parent!.column} AND p.updated_at = sp.updated_at
      WHERE c.chunk = $3 ORDER BY c.shopify_id
      ON CONFLICT (store_id, shopify_id) DO UPDATE SET ${update}`;
}

/** The chunk's rows as new rows, with no conflict handling: fails on the first row that exists. */
function insertSql(stepId: string, t: TableDef, guards: PromotionGuards): string {
  const cols = t.columns.map(([c]) => c).join(", ");
  const source = promotionSource(stepId, t, guards);
  return `INSERT INTO ${t.target} (brand_id, store_id, ${cols}) SELECT $1::uuid, $2::uuid, ${source.columns} FROM ${source.from}`;
}

const UNIQUE_VIOLATION = "23505";

/**
 * Promotes one chunk of the given tables into production, on the caller's transaction. Most of a
 * first sync is rows the store does not have yet, so a plain INSERT is tried first (in a
 * savepoint): it skips ON CONFLICT's speculative insertion, about a third of the cost. The first
 * row that exists (a webhook or the recent sync was there first, or this is a re-sync) undoes it,
 * and the chunk is upserted with the updated_at guard instead. Deletions of the entity wait for the
 * chunk's transaction, and a chunk promoted after one sees its tombstone (RECORD_LOCK_SQL).
 */
export async function promoteChunk(tx: postgres.TransactionSql, input: { stepId: string; def: EntityDef; tables: TableDef[]; brandId: string; storeId: string; seq: number }): Promise<void> {
  await tx.unsafe(RECORD_LOCK_SQL.write, [input.storeId, recordLockKey(input.def.entity)]);
  if (input.def.entity === "orders") await tx.unsafe(ORDER_WRITERS_LOCK_SQL, [input.storeId]);
  const guarded = input.tables.some((t) => t.tombstones);
  const [guards] = guarded ? ((await tx.unsafe(PROMOTION_GUARDS_SQL, [input.storeId, input.def.entity])) as unknown as PromotionGuards[]) : [NO_GUARDS];
  // Staging tables have no statistics: make sure the planner reads the chunk through its index.
  await tx.unsafe("SET LOCAL enable_seqscan = off");
  const params = [input.brandId, input.storeId, input.seq];
  for (const t of input.tables) {
    await promoteTable(tx, input, t, guards!, params);
    if (guards!.own && t.tombstones && "record" in t.tombstones) await tx.unsafe(supersededSql(input.stepId, t, t.tombstones.record), [input.storeId, input.seq]);
  }
}

const NO_GUARDS: PromotionGuards = { own: false, redactedCustomers: false };

async function promoteTable(tx: postgres.TransactionSql, input: { stepId: string; def: EntityDef }, t: TableDef, guards: PromotionGuards, params: unknown[]): Promise<void> {
  if (t.conflict !== "parent") {
    try {
      await tx.savepoint((sp) => sp.unsafe(insertSql(input.stepId, t, guards), params as never[]));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    }
  }
  await tx.unsafe(promoteSql(input.stepId, input.def, t, guards), params as never[]);
}
