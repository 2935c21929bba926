import { and, eq, inArray, sql as dsql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Db, Sql } from "../../db/client";
import { type StepRetry, SYNC_ENTITIES, type SyncPhase, syncRuns, syncSteps } from "../../db/schema";
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

/** Columns a phase move may set too (values or SQL over the row's current values). */
type StepChanges = PgUpdateSetSource<typeof syncSteps>;

/** Phases of a step still working: only a step in one of these may move on or record a chunk. */
export const LIVE_PHASES = ["queued", "bulk_running", "downloading", "staging", "promoting"] as const satisfies readonly SyncPhase[];

/**
 * The step was stopped (failed by an uninstall or a disconnect, or by another job) while this job
 * was still working on it: whatever the job was about to commit is rolled back, and the job ends
 * without touching the step again. Not retryable.
 */
export class SyncStoppedError extends AppError {
  constructor(stepId: string) {
    super("CONFLICT", `The sync step ${stepId} was stopped while this job worked on it`);
    this.name = "SyncStoppedError";
  }
}

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

export async function runSteps(db: Db, runId: string): Promise<Step[]> {
  return db.select().from(syncSteps).where(eq(syncSteps.runId, runId));
}

export async function loadStep(db: Db, stepId: string): Promise<Step | undefined> {
  const [step] = await db.select().from(syncSteps).where(eq(syncSteps.id, stepId));
  return step;
}

/**
 * Moves a step to `phase` in one conditional update: only a step still in one of `onlyFrom` (by
 * default any working phase) moves, so a stopped or finished step is never moved back — whoever
 * comes first wins. Adds the time spent in the phase it leaves to its timings (time spent failed is
 * not work, and is not counted) and clears a pending retry note. Returns whether it moved.
 */
export async function setPhase(
  db: Db,
  stepId: string,
  phase: SyncPhase,
  extra: StepChanges = {},
  onlyFrom: SyncPhase | readonly SyncPhase[] = LIVE_PHASES,
): Promise<boolean> {
  const from = typeof onlyFrom === "string" ? [onlyFrom] : [...onlyFrom];
  const moved = await db
    .update(syncSteps)
    .set({
      retrying: null,
      ...extra,
      timings: dsql`case when ${syncSteps.phase} = 'failed' then ${syncSteps.timings} else ${syncSteps.timings} || jsonb_build_object(${syncSteps.phase}::text,
        coalesce((${syncSteps.timings} ->> ${syncSteps.phase})::numeric, 0) + round(extract(epoch from clock_timestamp() - ${syncSteps.phaseStartedAt}) * 1000)) end`,
      phase,
      phaseStartedAt: dsql`clock_timestamp()`,
      updatedAt: dsql`clock_timestamp()`,
      ...(phase === "done" ? { finishedAt: dsql`clock_timestamp()`, error: null } : {}),
    })
    .where(and(eq(syncSteps.id, stepId), inArray(syncSteps.phase, from)))
    .returning({ id: syncSteps.id });
  return moved.length > 0;
}

/** Like `setPhase` from a working phase, but a step that is no longer working stops the caller (SyncStoppedError). */
export async function advance(db: Db, stepId: string, phase: SyncPhase, extra: StepChanges = {}): Promise<void> {
  if (!(await setPhase(db, stepId, phase, extra))) throw new SyncStoppedError(stepId);
}

/** Shopify's latest report on a running bulk operation. */
export async function recordBulkStatus(db: Db, stepId: string, counts: { objectCount: number; rootObjectCount: number; bulkStatus: string }): Promise<void> {
  await db.update(syncSteps).set({ ...counts, updatedAt: new Date() }).where(and(eq(syncSteps.id, stepId), eq(syncSteps.phase, "bulk_running")));
}

/** The job will be retried (attempt `attempt` of `of` failed): the step shows it, in amber, meanwhile. */
export async function noteRetry(db: Db, stepId: string, retry: { attempt: number; of: number; error: string }): Promise<void> {
  const note: StepRetry = { ...retry, error: retry.error.slice(0, 2000), at: new Date().toISOString() };
  await db
    .update(syncSteps)
    .set({ retrying: note, updatedAt: new Date() })
    .where(and(eq(syncSteps.id, stepId), inArray(syncSteps.phase, [...LIVE_PHASES])));
}

/** A failure appended to the step's history (SQL, so it is one statement with the move to failed). */
const appendFailure = (message: string) =>
  dsql`${syncSteps.failures} || jsonb_build_array(jsonb_build_object('at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'phase', ${syncSteps.phase}::text, 'error', ${message}::text))`;

/**
 * Fails a working step, keeping the phase it was in and adding the failure to its history, and
 * closes its run if nothing else works. One conditional update: false (and nothing written) if the
 * step is already done or failed — what failed came after it, or someone stopped it first.
 */
export async function failStep(db: Db, step: Pick<Step, "id" | "runId">, message: string): Promise<boolean> {
  const error = message.slice(0, 2000);
  const moved = await setPhase(db, step.id, "failed", { failedPhase: dsql`${syncSteps.phase}`, error, failures: appendFailure(error) });
  if (moved) await closeRun(db, step.runId);
  return moved;
}

/** The step is done: its money window is kept for the run's completeness check, its chunks forgotten. */
export async function completeStep(db: Db, stepId: string, window: MoneyWindow | null): Promise<void> {
  await advance(db, stepId, "done", window ? { moneyCheck: window } : {});
  await db.execute(dsql`delete from sync_chunks where step_id = ${stepId}`);
}

/**
 * Back to queued for a fresh export, with everything the last one recorded forgotten: a working
 * step whose result expired (`from: "working"`), or a failed one an operator retries (`from: "failed"`).
 */
export async function resetStep(db: Db, stepId: string, from: "working" | "failed"): Promise<void> {
  const moved = await setPhase(
    db,
    stepId,
    "queued",
    {
      bulkOperationId: null, bulkStatus: null, resultUrl: null, fileSize: null, objectCount: 0, rootObjectCount: 0,
      linesStaged: 0, bytesStaged: 0, rootsStaged: 0, rootsPromoted: 0, linesPromoted: 0, failedPhase: null,
    },
    from === "failed" ? "failed" : LIVE_PHASES,
  );
  if (!moved) throw new SyncStoppedError(stepId);
  await db.execute(dsql`delete from sync_chunks where step_id = ${stepId}`);
}

/**
 * An operator retries a failed step: its run runs again. The step's failure history stays (its
 * `failures`); only the current error is cleared. False if the step is no longer failed (a double click).
 */
export async function reopenStep(db: Db, step: Step): Promise<boolean> {
  return db.transaction(async (tx) => {
    const reopened = await tx
      .update(syncSteps)
      .set({ attempts: dsql`${syncSteps.attempts} + 1`, error: null, retrying: null })
      .where(and(eq(syncSteps.id, step.id), eq(syncSteps.phase, "failed")))
      .returning({ id: syncSteps.id });
    if (!reopened.length) return false;
    await tx.update(syncRuns).set({ status: "running", finishedAt: null, stopReason: null }).where(eq(syncRuns.id, step.runId));
    return true;
  });
}

/**
 * Ends a run once none of its steps is still working: `done` when all are done, `failed` when one
 * failed (the others finish first, so the widget and the Sync page show the run until then).
 */
export async function closeRun(db: Db, runId: string): Promise<{ brandId: string; storeId: string; status: string; startedAt: Date } | undefined> {
  const rows = await db.execute<{ brandId: string; storeId: string; status: string; startedAtMs: number }>(dsql`
    update sync_runs set finished_at = now(),
      status = case when exists (select 1 from sync_steps where run_id = ${runId} and phase = 'failed') then 'failed' else 'done' end
    where id = ${runId} and status = 'running'
      and not exists (select 1 from sync_steps where run_id = ${runId} and phase not in ('done', 'failed'))
    returning brand_id as "brandId", store_id as "storeId", status, extract(epoch from started_at)::float8 * 1000 as "startedAtMs"`);
  const row = rows[0];
  return row && { brandId: row.brandId, storeId: row.storeId, status: row.status, startedAt: new Date(Number(row.startedAtMs)) };
}

/** The orders step's money window (what the history export read), for the run's completeness check. */
export async function runMoneyWindow(db: Db, runId: string): Promise<MoneyWindow> {
  const [orders] = await db.select({ moneyCheck: syncSteps.moneyCheck }).from(syncSteps).where(and(eq(syncSteps.runId, runId), eq(syncSteps.entity, "orders")));
  return orders?.moneyCheck ?? { money: [], changedSince: 0 };
}

/**
 * Stops the store's running history sync (disconnect, uninstall): every working step fails with
 * the reason (added to its history) and the run ends `failed` saying why. A job still working on a
 * step finds out at its next write (SyncStoppedError) and commits nothing more.
 */
export async function stopStoreRuns(db: Db, storeId: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(syncSteps)
      .set({ phase: "failed", failedPhase: dsql`${syncSteps.phase}`, error: reason, failures: appendFailure(reason), retrying: null, updatedAt: new Date() })
      .where(and(eq(syncSteps.storeId, storeId), inArray(syncSteps.phase, [...LIVE_PHASES])));
    await tx.update(syncRuns).set({ status: "failed", finishedAt: new Date(), stopReason: reason }).where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.status, "running")));
  });
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

// A chunk's progress is recorded by one conditional update, in the transaction that stages or
// promotes it: a step that is no longer working (stopped by an uninstall, say) matches no row, and
// the chunk's transaction is rolled back with SyncStoppedError — nothing lands after a stop. The
// update takes the step's row lock, so a stop waits for a chunk already committing, never the reverse.

export async function recordStagedChunk(
  tx: Conn,
  stepId: string,
  chunk: { seq: number; firstLine: number; endLine: number; endByte: number; roots: number; children: number },
): Promise<void> {
  const live = await tx`update sync_steps set lines_staged = ${chunk.endLine}, bytes_staged = ${chunk.endByte}, roots_staged = roots_staged + ${chunk.roots}, updated_at = now()
    where id = ${stepId} and phase in ('downloading', 'staging', 'promoting') returning id`;
  if (!live.length) throw new SyncStoppedError(stepId);
  await tx`insert into sync_chunks (step_id, seq, first_line, end_line, end_byte, roots, children)
    values (${stepId}, ${chunk.seq}, ${chunk.firstLine}, ${chunk.endLine}, ${chunk.endByte}, ${chunk.roots}, ${chunk.children})`;
}

export async function recordPromotedChunk(tx: Conn, stepId: string, chunk: { seq: number; roots: number; endLine: number }): Promise<void> {
  // Promoters finish out of order: lines_promoted is the furthest one.
  const live = await tx`update sync_steps set roots_promoted = roots_promoted + ${chunk.roots}, lines_promoted = greatest(lines_promoted, ${chunk.endLine}), updated_at = now()
    where id = ${stepId} and phase in ('downloading', 'staging', 'promoting') returning id`;
  if (!live.length) throw new SyncStoppedError(stepId);
  await tx`update sync_chunks set promoted = true where step_id = ${stepId} and seq = ${chunk.seq}`;
}

export async function promotedRoots(sql: Sql, stepId: string): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select roots_promoted as n from sync_steps where id = ${stepId}`;
  return Number(row!.n);
}
