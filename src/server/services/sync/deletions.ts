import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Db, Sql } from "../../db/client";
import { AppError } from "../../errors";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { PRIORITY } from "../../shopify/budget";
import type { RecordEntity } from "../commerce/tombstones";
import { deleteRecord } from "../commerce/write";
import { pollBulkOperation, startBulkOperation } from "./bulk/operation";
import { storeClient } from "./graphql";
import { numericId } from "./queries";

/**
 * Repairs deletions we never heard of. Reconciliation reads what changed by `updated_at`, so it
 * cannot see a record Shopify deleted while its deletion webhook (`orders/delete`…) was lost; the completeness
 * check sees it (we hold more than the shop counts). This reads the ids the shop has — a bulk
 * export of ids only, which costs no query points whatever the store's size — and deletes, with a
 * tombstone, each record we hold that the export lacks: only records created before the export
 * started (a newer one may simply not be in it) and not updated since (the delete rule of
 * `commerce/write.ts`).
 */

const ID_EXPORTS: Record<RecordEntity, string> = {
  orders: "{ orders { edges { node { id } } } }",
  customers: "{ customers { edges { node { id } } } }",
  products: "{ products { edges { node { id } } } }",
};

const TABLES: Record<RecordEntity, string> = { orders: "shop_orders", customers: "shop_customers", products: "shop_products" };

/** Records created this close to the export's start are left alone (clock skew between Shopify and us). */
const SKEW_MS = 60_000;
const POLL_MS = 1_000;
/** How long the job waits for Shopify's export before it gives up (and is retried). */
const EXPORT_PATIENCE_MS = 15 * 60_000;
const ID_BATCH = 10_000;

export interface DeletionRepairDeps {
  db: Db;
  sql: Sql;
  shopify: Shopify;
  storage: SessionStorage;
  log: Logger;
}

export async function repairDeletions(deps: DeletionRepairDeps, input: { storeId: string; entity: RecordEntity; signal?: AbortSignal }): Promise<{ shopIds: number; removed: bigint[] }> {
  const { store, request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal, priority: PRIORITY.background });
  const startedAt = new Date();
  const operationId = await startBulkOperation(request, ID_EXPORTS[input.entity]);
  let url: string | null = null;
  for (const deadline = Date.now() + EXPORT_PATIENCE_MS; ; ) {
    await sleep(POLL_MS, undefined, { signal: input.signal });
    const op = await pollBulkOperation(request, operationId);
    if (!op) throw new AppError("SERVICE_UNAVAILABLE", `Shopify no longer knows the id export ${operationId}`);
    if (op.status === "COMPLETED") {
      url = op.url;
      break;
    }
    if (op.status !== "CREATED" && op.status !== "RUNNING") {
      throw new AppError("SERVICE_UNAVAILABLE", `Shopify's id export ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}`);
    }
    if (Date.now() > deadline) throw new AppError("SERVICE_UNAVAILABLE", `Shopify's id export did not finish within ${EXPORT_PATIENCE_MS / 60_000} minutes`);
  }

  // The shop's ids, streamed into a temporary table (one transaction, so one connection holds it).
  const table = TABLES[input.entity];
  const before = new Date(startedAt.getTime() - SKEW_MS);
  let shopIds = 0;
  const missing = await deps.sql.begin(async (tx) => {
    await tx`create temporary table shop_ids (id bigint primary key) on commit drop`;
    // The ids' digits (Postgres casts them), exact whatever their size.
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await tx`insert into shop_ids select unnest(${batch}::bigint[]) on conflict do nothing`;
      shopIds += batch.length;
      batch = [];
    };
    if (url) {
      const res = await fetch(url, { signal: input.signal });
      if (!res.ok || !res.body) throw new AppError("SERVICE_UNAVAILABLE", `Downloading Shopify's id export failed: HTTP ${res.status}`);
      let carry = "";
      const decoder = new TextDecoder();
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        const lines = (carry + decoder.decode(part, { stream: true })).split("\n");
        carry = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) batch.push(String(numericId((JSON.parse(line) as { id: string }).id)));
        if (batch.length >= ID_BATCH) await flush();
      }
      if (carry.trim()) batch.push(String(numericId((JSON.parse(carry) as { id: string }).id)));
      await flush();
    }
    const rows = await tx.unsafe<{ id: string }[]>(
      `select r.shopify_id as id from ${table} r
       where r.store_id = $1::uuid and coalesce(r.created_at, r.updated_at) < $2::timestamptz
         and not exists (select 1 from shop_ids s where s.id = r.shopify_id)`,
      [store.id, before.toISOString()],
    );
    return rows.map((r) => BigInt(r.id));
  });

  for (const id of missing) {
    await deps.db.transaction((tx) => deleteRecord(tx, { id: store.id, brandId: store.brandId }, input.entity, id, startedAt));
  }
  if (missing.length) deps.log.warn({ storeId: store.id, entity: input.entity, removed: missing.length }, "removed records Shopify had deleted without a webhook reaching us");
  return { shopIds, removed: missing };
}

/** After a check that found us holding more than the shop: a repair job per such entity (one at a time per store and entity). */
export async function requestDeletionRepairs(
  deps: { jobs: JobProducer },
  input: { brandId: string; storeId: string; counts: { entity: RecordEntity; shop: number; local: number }[] },
): Promise<RecordEntity[]> {
  const extra = input.counts.filter((c) => c.local > c.shop).map((c) => c.entity);
  for (const entity of extra) {
    await deps.jobs.enqueue("sync", "repairDeletions", { brandId: input.brandId, storeId: input.storeId, entity }, { jobId: `deletions-${input.storeId}-${entity}`, attempts: 3, backoffMs: 30_000 });
  }
  return extra;
}
