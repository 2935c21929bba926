import { and, eq, inArray, sql as dsql } from "drizzle-orm";
import type { Db, Sql } from "../../db/client";
import { SYNC_ENTITIES, type SyncPhase, syncRuns, syncSteps } from "../../db/schema";
import { AppError } from "../../errors";
import type { Conn } from "./bulk/staging";
import type { MoneyWindow } from "./completeness";

/**
 * The history sync's state in Postgres: the only module that writes `sync_runs`, `sync_steps` and
 * `sync_chunks`. A step moves queued → bulk_running → downloading → staging → promoting → done, or
 * to failed keeping the phase it failed in; chunks record what of the result is staged and
 * promoted, so a crash resumes after the last promoted one. Callers announce changes (progress.ts)
 * once these writes have committed.
 */

export type Step = typeof syncSteps.$inferSelect;

const ACTIVE_PHASES = ["queued", "bulk_running", "downloading", "staging", "promoting"] as const;

/** Opens a run of the store with a step per entity; CONFLICT while one is still running. */
export async function openRun(db: Db, store: { id: string; brandId: string; shopDomain: string }): Promise<{ runId: string; steps: Step[] }> {
  return db.transaction(async (tx) => {
    // One running history sync per store (the row lock serializes concurrent starts).
    await tx.execute(dsql`select id from stores where id = ${store.id} for update`);
    const [running] = await tx.select({ id: syncRuns.id }).from(syncRuns).where(and(eq(syncRuns.storeId, store.id), eq(syncRuns.status, "running")));
    if (running) throw new AppError("CONFLICT", `A history sync of ${store.shopDomain} is already running`);
    const [run] = await tx.insert(syncRuns).values({ brandId: store.brandId, storeId: store.id }).returning({ id: syncRuns.id });
    const steps = await tx
      .insert(syncSteps)
      .values(SYNC_ENTITIES.map((entity) => ({ runId: run!.id, brandId: store.brandId, storeId: store.id, entity })))
      .returning();
    return { runId: run!.id, steps };
  });
}

export async function loadStep(db: Db, stepId: string): Promise<Step | undefined> {
  const [step] = await db.select().from(syncSteps).where(eq(syncSteps.id, stepId));
  return step;
}

/**
 * Moves a step to `phase`, adding the time spent in the one it leaves to its timings. With
 * `onlyFrom`, only a step still in that phase moves (whoever comes first wins); returns whether it moved.
 */
export async function setPhase(db: Db, stepId: string, phase: SyncPhase, extra: Partial<typeof syncSteps.$inferInsert> = {}, onlyFrom?: SyncPhase): Promise<boolean> {
  const moved = await db
    .update(syncSteps)
    .set({
      ...extra,
      timings: dsql`${syncSteps.timings} || jsonb_build_object(${syncSteps.phase}::text,
        coalesce((${syncSteps.timings} ->> ${syncSteps.phase})::numeric, 0) + round(extract(epoch from clock_timestamp() - ${syncSteps.phaseStartedAt}) * 1000))`,
      phase,
      phaseStartedAt: dsql`clock_timestamp()`,
      updatedAt: dsql`clock_timestamp()`,
      ...(phase === "done" ? { finishedAt: dsql`clock_timestamp()`, error: null } : {}),
    })
    .where(onlyFrom ? and(eq(syncSteps.id, stepId), eq(syncSteps.phase, onlyFrom)) : eq(syncSteps.id, stepId))
    .returning({ id: syncSteps.id });
  return moved.length > 0;
}

/** Shopify's latest report on a running bulk operation. */
export async function recordBulkStatus(db: Db, stepId: string, counts: { objectCount: number; rootObjectCount: number; bulkStatus: string }): Promise<void> {
  await db.update(syncSteps).set({ ...counts, updatedAt: new Date() }).where(and(eq(syncSteps.id, stepId), eq(syncSteps.phase, "bulk_running")));
}

/** The job will be retried: the step shows why meanwhile. */
export async function noteRetry(db: Db, stepId: string, message: string): Promise<void> {
  await db.update(syncSteps).set({ error: `Retrying after: ${message}`.slice(0, 2000) }).where(eq(syncSteps.id, stepId));
}

/** Fails the step (keeping the phase it was in) and closes its run if nothing else works; false if it was already done. */
export async function failStep(db: Db, step: Step, message: string): Promise<boolean> {
  const current = (await loadStep(db, step.id))?.phase ?? step.phase;
  if (current === "done") return false; // what failed came after the step (it stays done)
  await setPhase(db, step.id, "failed", { failedPhase: current === "failed" ? step.failedPhase : current, error: message.slice(0, 2000) });
  await closeRun(db, step.runId);
  return true;
}

/** The step is done: its money window is kept for the run's completeness check, its chunks forgotten. */
export async function completeStep(db: Db, stepId: string, window: MoneyWindow | null): Promise<void> {
  await setPhase(db, stepId, "done", window ? { moneyCheck: window } : {});
  await db.execute(dsql`delete from sync_chunks where step_id = ${stepId}`);
}

/** Back to queued for a fresh export, with everything the last one recorded forgotten. */
export async function resetStep(db: Db, stepId: string): Promise<void> {
  await db.execute(dsql`delete from sync_chunks where step_id = ${stepId}`);
  await setPhase(db, stepId, "queued", {
    bulkOperationId: null, bulkStatus: null, resultUrl: null, fileSize: null, objectCount: 0, rootObjectCount: 0,
    linesStaged: 0, bytesStaged: 0, rootsStaged: 0, rootsPromoted: 0, linesPromoted: 0, failedPhase: null,
  });
}

/** An operator retries a failed step: its run runs again. */
export async function reopenStep(db: Db, step: Step): Promise<void> {
  await db.update(syncRuns).set({ status: "running", finishedAt: null }).where(eq(syncRuns.id, step.runId));
  await db.update(syncSteps).set({ attempts: dsql`${syncSteps.attempts} + 1`, error: null }).where(eq(syncSteps.id, step.id));
}

/**
 * Ends a run once none of its steps is still working: `done` when all are done, `failed` when one
 * failed (the others finish first, so the widget and the Sync page show the run until then).
 */
export async function closeRun(db: Db, runId: string): Promise<{ brandId: string; storeId: string; status: string } | undefined> {
  const rows = await db.execute<{ brandId: string; storeId: string; status: string }>(dsql`
    update sync_runs set finished_at = now(),
      status = case when exists (select 1 from sync_steps where run_id = ${runId} and phase = 'failed') then 'failed' else 'done' end
    where id = ${runId} and status = 'running'
      and not exists (select 1 from sync_steps where run_id = ${runId} and phase not in ('done', 'failed'))
    returning brand_id as "brandId", store_id as "storeId", status`);
  return rows[0];
}

/** The orders step's money window (what the history export read), for the run's completeness check. */
export async function runMoneyWindow(db: Db, runId: string): Promise<MoneyWindow> {
  const [orders] = await db.select({ moneyCheck: syncSteps.moneyCheck }).from(syncSteps).where(and(eq(syncSteps.runId, runId), eq(syncSteps.entity, "orders")));
  return orders?.moneyCheck ?? { money: [], changedSince: 0 };
}

/** Fails every working step of the store with the reason, and its running runs (disconnect, uninstall). */
export async function stopStoreRuns(db: Db, storeId: string, reason: string): Promise<void> {
  await db
    .update(syncSteps)
    .set({ phase: "failed", failedPhase: dsql`${syncSteps.phase}`, error: reason, updatedAt: new Date() })
    .where(and(eq(syncSteps.storeId, storeId), inArray(syncSteps.phase, [...ACTIVE_PHASES])));
  await db.update(syncRuns).set({ status: "failed", finishedAt: new Date() }).where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.status, "running")));
}

// Chunks: the ingestion pipeline records them on its own transactions, together with the rows.

export interface ChunkRecord {
  seq: number;
  endLine: number;
  endByte: number;
  promoted: boolean;
}

export async function readChunks(sql: Sql, stepId: string): Promise<ChunkRecord[]> {
  const rows = await sql<{ seq: number; endLine: string; endByte: string; promoted: boolean }[]>`
    select seq, end_line as "endLine", end_byte as "endByte", promoted from sync_chunks where step_id = ${stepId} order by seq`;
  return rows.map((r) => ({ seq: r.seq, endLine: Number(r.endLine), endByte: Number(r.endByte), promoted: r.promoted }));
}

/** Forgets the chunks after `done` (the resume point; none: from the start) and sets the step's counters to match. */
export async function rewindStep(tx: Conn, stepId: string, done: ChunkRecord | undefined): Promise<void> {
  await tx`delete from sync_chunks where step_id = ${stepId} and seq > ${done?.seq ?? 0}`;
  const [totals] = await tx<{ roots: string }[]>`select coalesce(sum(roots), 0) as roots from sync_chunks where step_id = ${stepId}`;
  const roots = Number(totals!.roots);
  const line = done?.endLine ?? 0;
  await tx`update sync_steps set lines_staged = ${line}, bytes_staged = ${done?.endByte ?? 0},
    roots_staged = ${roots}, roots_promoted = ${roots}, lines_promoted = ${line}, updated_at = now() where id = ${stepId}`;
}

export async function recordStagedChunk(
  tx: Conn,
  stepId: string,
  chunk: { seq: number; firstLine: number; endLine: number; endByte: number; roots: number; children: number },
): Promise<void> {
  await tx`insert into sync_chunks (step_id, seq, first_line, end_line, end_byte, roots, children)
    values (${stepId}, ${chunk.seq}, ${chunk.firstLine}, ${chunk.endLine}, ${chunk.endByte}, ${chunk.roots}, ${chunk.children})`;
  await tx`update sync_steps set lines_staged = ${chunk.endLine}, bytes_staged = ${chunk.endByte}, roots_staged = roots_staged + ${chunk.roots}, updated_at = now() where id = ${stepId}`;
}

export async function recordPromotedChunk(tx: Conn, stepId: string, chunk: { seq: number; roots: number; endLine: number }): Promise<void> {
  await tx`update sync_chunks set promoted = true where step_id = ${stepId} and seq = ${chunk.seq}`;
  // Promoters finish out of order: lines_promoted is the furthest one.
  await tx`update sync_steps set roots_promoted = roots_promoted + ${chunk.roots}, lines_promoted = greatest(lines_promoted, ${chunk.endLine}), updated_at = now() where id = ${stepId}`;
}

export async function promotedRoots(sql: Sql, stepId: string): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select roots_promoted as n from sync_steps where id = ${stepId}`;
  return Number(row!.n);
}
