import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, lt, notInArray } from "drizzle-orm";
import type { Db, Sql } from "../../db/client";
import { type SyncEntity, type SyncPhase, stores, syncSteps } from "../../db/schema";
import { getEnv } from "../../env";
import { AppError, isRetryable } from "../../errors";
import type { CachePort } from "../../infra/cache/port";
import { followHistorySync } from "../identity/shopify";
import type { PubSubPort } from "../../infra/pubsub/port";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { requireBrandChild } from "../brands/access";
import { compactStoreCounts } from "../stores/counts";
import { requireConnectedStore } from "../stores/session";
import { notConnectedReason } from "../stores/status-rules";
import { ENTITY_DEFS } from "./bulk/entities";
import { dropStaging, ingestBulkResult, ResultGoneError } from "./bulk/ingest";
import { pollBulkOperation, shopCounts, startBulkOperation } from "./bulk/operation";
import { stagingTable } from "./bulk/staging";
import { type MoneyWindow, runCompletenessCheck, stagedOrdersWindow } from "./completeness";
import { advanceSyncedThrough } from "./incremental-sync";
import { storeClient } from "./graphql";
import { announceData } from "../commerce/announce";
import { announceSync, type ProgressTicker, progressTicker } from "./progress";
import {
  closeRun, completeStep, failStep, loadStep, noteRetry, openRun, recordBulkStatus, reopenStep, resetStep, runMoneyWindow, runSteps, setPhase, type Step, stopStoreRuns,
  SyncStoppedError,
} from "./state";

/**
 * The history sync: per store a run, per entity a step that moves through
 * queued → bulk_running → downloading → staging → promoting → done (or failed, keeping the phase
 * it failed in). This module drives the steps; `state.ts` writes them, `progress.ts` announces
 * each committed move on the brand's sync channel.
 */

export const BULK_ATTEMPTS = 5;
const POLL_EVERY_MS = 1_000;

export const bulkJobName = (entity: SyncEntity) => `bulk_${entity}` as const;

export interface HistoryDeps {
  db: Db;
  jobs: JobProducer;
  pubsub: PubSubPort;
  cache?: CachePort;
  log: Logger;
}

export interface ShopifyDeps extends HistoryDeps {
  sql: Sql;
  shopify: Shopify;
  storage: SessionStorage;
}

async function enqueueStep(deps: { jobs: JobProducer }, step: Pick<Step, "id" | "brandId" | "storeId" | "entity">, jobId: string, delayMs?: number) {
  await deps.jobs.enqueue("sync", bulkJobName(step.entity), { brandId: step.brandId, storeId: step.storeId, stepId: step.id }, { jobId, attempts: BULK_ATTEMPTS, backoffMs: 2_000, delayMs });
}

async function enqueuePoll(deps: { jobs: JobProducer }, step: Pick<Step, "id" | "brandId" | "storeId">, jobId: string, delayMs = POLL_EVERY_MS) {
  await deps.jobs.enqueue("sync", "bulk_poll", { brandId: step.brandId, storeId: step.storeId, stepId: step.id }, { jobId, delayMs, attempts: BULK_ATTEMPTS, backoffMs: 2_000 });
}

/** Starts a history sync of a store: a run with a step per entity, each queued at once. */
export async function startHistorySync(deps: HistoryDeps, input: { brandId: string; storeId: string }): Promise<{ runId: string }> {
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: input.storeId });
  if (store.status !== "connected") throw new AppError("CONFLICT", notConnectedReason(store));
  const { runId, steps } = await openRun(deps.db, store);
  for (const step of steps) await enqueueStep(deps, step, `bulk-${step.id}-start`);
  announceSync(deps, store.brandId);
  deps.log.info({ storeId: store.id, runId }, "history sync started");
  return { runId };
}

async function stepFailed(deps: HistoryDeps, step: Step, message: string): Promise<void> {
  if (!(await failStep(deps.db, step, message))) return;
  announceSync(deps, step.brandId);
  deps.log.warn({ stepId: step.id, entity: step.entity, phase: step.phase, error: message }, "history sync step failed");
}

/**
 * The job of one step (`bulk_orders`, `bulk_customers`, `bulk_products`): starts the bulk
 * operation when queued; once its result is ready (noticed by the poll job or the
 * `bulk_operations/finish` webhook) downloads, stages and promotes it. A crash anywhere resumes here.
 * An error retrying cannot fix fails the step, and is thrown on for the queue to fail the job.
 */
export async function runBulkStep(deps: ShopifyDeps, input: { stepId: string; attempt: number; signal?: AbortSignal }): Promise<{ phase: SyncPhase }> {
  const step = await loadStep(deps.db, input.stepId);
  if (!step || step.phase === "done" || step.phase === "failed") return { phase: step?.phase ?? "failed" };
  const lastAttempt = input.attempt >= BULK_ATTEMPTS;
  try {
    if (step.phase === "queued") return await startStep(deps, step, input.signal);
    if (step.phase === "bulk_running") {
      // Re-run after a crash: make sure someone is polling.
      await enqueuePoll(deps, step, `poll-${step.id}-resume-${Date.now()}`, 0);
      return { phase: step.phase };
    }
    return await ingestStep(deps, step, input.signal);
  } catch (err) {
    if (err instanceof SyncStoppedError) {
      // Stopped while we worked (uninstall, disconnect): nothing more was committed; the step says why.
      deps.log.info({ stepId: step.id, entity: step.entity }, "history sync step was stopped while its job worked");
      return { phase: "failed" };
    }
    if (err instanceof ResultGoneError) {
      await restartExport(deps, step, "working");
      return { phase: "queued" };
    }
    const message = (err as Error).message;
    if (!isRetryable(err) || (lastAttempt && !input.signal?.aborted)) await stepFailed(deps, step, message);
    else {
      await noteRetry(deps.db, step.id, { attempt: input.attempt, of: BULK_ATTEMPTS, error: message });
      announceSync(deps, step.brandId);
    }
    throw err;
  }
}

async function startStep(deps: ShopifyDeps, step: Step, signal?: AbortSignal): Promise<{ phase: SyncPhase }> {
  const def = ENTITY_DEFS[step.entity];
  const { request } = await storeClient(deps, { storeId: step.storeId, signal });
  const counts = await shopCounts(request);
  const operationId = await startBulkOperation(request, def.bulkQuery);
  await setPhase(deps.db, step.id, "bulk_running", { bulkOperationId: operationId, bulkStatus: "CREATED", expectedRoots: counts[step.entity], error: null }, "queued");
  await enqueuePoll(deps, step, `poll-${step.id}-${Date.now()}`);
  announceSync(deps, step.brandId);
  deps.log.info({ stepId: step.id, entity: step.entity, operationId }, "bulk operation started");
  return { phase: "bulk_running" };
}

/** The poll job: asks Shopify how the step's bulk operation is doing, until it has ended. */
export async function pollBulkStep(deps: ShopifyDeps, input: { stepId: string; signal?: AbortSignal }): Promise<{ status: string }> {
  const step = await loadStep(deps.db, input.stepId);
  if (!step || step.phase !== "bulk_running" || !step.bulkOperationId) return { status: "not running" };
  let op;
  try {
    const { request } = await storeClient(deps, { storeId: step.storeId, signal: input.signal });
    op = await pollBulkOperation(request, step.bulkOperationId);
  } catch (err) {
    if (!isRetryable(err)) await stepFailed(deps, step, (err as Error).message);
    throw err;
  }
  if (!op) {
    await stepFailed(deps, step, `Shopify no longer knows bulk operation ${step.bulkOperationId}`);
    return { status: "missing" };
  }
  const counts = { objectCount: Number(op.objectCount), rootObjectCount: Number(op.rootObjectCount), bulkStatus: op.status };
  deps.log.debug({ stepId: step.id, entity: step.entity, status: op.status, objects: counts.objectCount }, "bulk operation polled");
  if (op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING") {
    await recordBulkStatus(deps.db, step.id, counts);
    announceSync(deps, step.brandId);
    await enqueuePoll(deps, step, `poll-${step.id}-${Date.now()}`);
    return { status: op.status };
  }
  if (op.status === "COMPLETED") {
    // Only one of the poll job and the finish webhook moves the step on.
    const moved = await setPhase(deps.db, step.id, "downloading", { ...counts, fileSize: op.fileSize ? Number(op.fileSize) : 0, resultUrl: op.url }, "bulk_running");
    if (moved) {
      if (op.url) await enqueueStep(deps, step, `ingest-${step.id}-${Date.now()}`);
      else await finishStep(deps, step, null); // nothing to export
      announceSync(deps, step.brandId);
    }
    return { status: op.status };
  }
  await stepFailed(deps, step, `Shopify's bulk export ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}`);
  return { status: op.status };
}

/** The `bulk_operations/finish` webhook: poll the matching steps now rather than at the next tick. */
export async function onBulkOperationFinished(deps: { db: Db; jobs: JobProducer }, input: { shopDomain: string; operationId: string }): Promise<number> {
  const steps = await deps.db
    .select({ id: syncSteps.id, brandId: syncSteps.brandId, storeId: syncSteps.storeId })
    .from(syncSteps)
    .innerJoin(stores, eq(stores.id, syncSteps.storeId))
    .where(and(eq(syncSteps.bulkOperationId, input.operationId), eq(stores.shopDomain, input.shopDomain), eq(syncSteps.phase, "bulk_running")));
  for (const step of steps) await enqueuePoll(deps, step, `poll-${step.id}-finished`, 0);
  return steps.length;
}

/** Progress for the Sync page (4 a second at most) and, as chunks land, for the live data pages (1 a second). */
function syncAndDataTicker(deps: { pubsub: PubSubPort }, brandId: string): ProgressTicker {
  const sync = progressTicker(deps, brandId);
  const data = progressTicker(deps, brandId, 1_000, announceData);
  return {
    tick: () => (sync.tick(), data.tick()),
    flush: () => (sync.flush(), data.tick()),
  };
}

/** Chunks at least this small… */
const MIN_CHUNK_LINES = 2_000;
/** …so that a result is staged and promoted in about this many visible steps (a small store too). */
const CHUNKS_PER_RESULT = 20;

/**
 * Lines per chunk: the configured size, smaller for a small result so its progress moves as it is
 * staged and promoted. Not for an entity with deferred children (products: variants are promoted
 * in a second pass per chunk): there every chunk has a fixed cost of seconds — 5,000 products in
 * nine chunks took 44 s instead of 14 s in `npm run bench -- sync --orders 200000`.
 */
function chunkLinesFor(step: Step): number {
  const configured = getEnv().SYNC_CHUNK_LINES;
  if (ENTITY_DEFS[step.entity].deferred.length) return configured;
  return Math.min(configured, Math.max(MIN_CHUNK_LINES, Math.ceil(step.objectCount / CHUNKS_PER_RESULT)));
}

async function ingestStep(deps: ShopifyDeps, step: Step, signal?: AbortSignal): Promise<{ phase: SyncPhase }> {
  const def = ENTITY_DEFS[step.entity];
  if (!step.resultUrl) {
    await finishStep(deps, step, null);
    return { phase: "done" };
  }
  // The store must still be connected (an uninstalled store's jobs stop here); the signed result URL needs no token.
  await requireConnectedStore(deps, { storeId: step.storeId });
  const result = await ingestBulkResult(
    { db: deps.db, sql: deps.sql, chunkLines: chunkLinesFor(step), progress: syncAndDataTicker(deps, step.brandId) },
    { id: step.id, brandId: step.brandId, storeId: step.storeId, resultUrl: step.resultUrl },
    def,
    { signal },
  );
  const window = step.entity === "orders" ? await stagedOrdersWindow(deps.sql, step.storeId, stagingTable(step.id, def.tables[0]!)) : null;
  await finishStep(deps, step, window);
  deps.log.info({ stepId: step.id, entity: step.entity, roots: result.roots, lines: result.lines }, "history sync step done");
  return { phase: "done" };
}

async function finishStep(deps: ShopifyDeps, step: Step, window: MoneyWindow | null): Promise<void> {
  await completeStep(deps.db, step.id, window);
  await dropStaging(deps.sql, step.id, ENTITY_DEFS[step.entity]);
  announceSync(deps, step.brandId);
  await settleRun(deps, step.runId);
}

/** When every step of a run is done: the run is done and the completeness check runs. */
async function settleRun(deps: ShopifyDeps, runId: string): Promise<void> {
  const run = await closeRun(deps.db, runId);
  if (run?.status !== "done") return;
  await compactStoreCounts(deps, { storeId: run.storeId });
  // What Shopify changed before the exports began is in them (and webhooks brought the rest): the
  // store is synced through then, and reconciliation looks back from there.
  await advanceSyncedThrough(deps, { storeId: run.storeId, at: run.startedAt });
  // Every customer of the store becomes (part of) a profile, set-based, before the operator looks.
  const people = await followHistorySync(deps, { brandId: run.brandId, storeId: run.storeId });
  deps.log.info({ runId, storeId: run.storeId, ...people }, "history sync: customers resolved into profiles");
  try {
    await runCompletenessCheck(deps, { brandId: run.brandId, storeId: run.storeId, trigger: "history", window: await runMoneyWindow(deps.db, runId), windowLabel: "every order in the history export" });
  } catch (err) {
    // The data is in; a check that cannot reach Shopify now (uninstalled, throttled) runs with the next reconciliation.
    deps.log.warn({ runId, storeId: run.storeId, err }, "completeness check after the history sync could not run");
  }
  // Fresh statistics for the tables a history sync just filled (after the check, which the operator
  // is waiting for): without them the planner guesses, and the pages that read them were up to 2.8×
  // slower. ANALYZE samples, so it stays quick.
  await deps.sql`analyze shop_orders, shop_line_items, shop_refunds, shop_customers, shop_products, shop_variants`.catch((err: unknown) => {
    deps.log.warn({ runId, err }, "could not analyze the synced tables after the history sync (autovacuum will)");
  });
}

/** "Check again": compares the store's data with the shop's now, as a job (it calls Shopify). */
export async function requestCompletenessCheck(deps: { db: Db; jobs: JobProducer }, input: { brandId: string; storeId: string; days: number }): Promise<{ jobId: string }> {
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: input.storeId });
  if (store.status !== "connected") throw new AppError("CONFLICT", notConnectedReason(store));
  const jobId = await deps.jobs.enqueue("sync", "completenessCheck", { brandId: store.brandId, storeId: store.id, days: input.days }, { jobId: `check-${store.id}-${Date.now()}` });
  return { jobId };
}

/** Back to a fresh export (the result expired, or the operator retries a failed export). */
async function restartExport(deps: HistoryDeps & { sql: Sql }, step: Step, from: "working" | "failed"): Promise<void> {
  await resetStep(deps.db, step.id, from);
  await dropStaging(deps.sql, step.id, ENTITY_DEFS[step.entity]);
  await enqueueStep(deps, step, `bulk-${step.id}-restart-${Date.now()}`);
  announceSync(deps, step.brandId);
}

/**
 * The Sync page's retry: a step that failed while promoting resumes from its last promoted chunk;
 * one that failed earlier (the export, or a malformed result) runs a fresh export. Refused, with
 * the reason, while the store is not connected: the retry could only fail again.
 */
export async function retrySyncStep(deps: HistoryDeps & { sql: Sql }, input: { brandId: string; stepId: string }): Promise<void> {
  const step = await requireBrandChild(deps, { brandId: input.brandId, kind: "syncStep", id: input.stepId });
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: step.storeId });
  if (store.status !== "connected") throw new AppError("CONFLICT", notConnectedReason(store));
  await retryFailedStep(deps, step);
}

/** "Retry all": every failed step of a run (when they failed for one reason, one click does it). */
export async function retrySyncRun(deps: HistoryDeps & { sql: Sql }, input: { brandId: string; runId: string }): Promise<{ retried: number }> {
  const run = await requireBrandChild(deps, { brandId: input.brandId, kind: "syncRun", id: input.runId });
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: run.storeId });
  if (store.status !== "connected") throw new AppError("CONFLICT", notConnectedReason(store));
  const failed = (await runSteps(deps.db, run.id)).filter((s) => s.phase === "failed");
  if (!failed.length) throw new AppError("CONFLICT", "No step of this history sync has failed");
  for (const step of failed) await retryFailedStep(deps, step);
  return { retried: failed.length };
}

async function retryFailedStep(deps: HistoryDeps & { sql: Sql }, step: Step): Promise<void> {
  if (step.phase !== "failed" || !(await reopenStep(deps.db, step))) {
    throw new AppError("CONFLICT", `The ${step.entity} step has not failed (it is ${step.phase.replace("_", " ")})`);
  }
  if (step.failedPhase === "promoting" && step.resultUrl) {
    await setPhase(deps.db, step.id, "downloading", { failedPhase: null }, "failed");
    await enqueueStep(deps, step, `bulk-${step.id}-retry-${Date.now()}`);
    announceSync(deps, step.brandId);
  } else await restartExport(deps, step, "failed");
  deps.log.info({ stepId: step.id, entity: step.entity }, "history sync step retried");
}

/** Stops a store's history sync (disconnect, uninstall): running steps fail with the reason. */
export async function stopHistorySync(deps: { db: Db }, input: { storeId: string; reason: string }): Promise<void> {
  await stopStoreRuns(deps.db, input.storeId, input.reason);
}

/**
 * Steps that lost their job (it was waiting in a Redis that went away empty) get one again: a step
 * that is neither done nor failed and has not moved for `stalledForMs` — a working step records
 * progress every few seconds (each chunk, each poll, each retry note), so one that has not moved
 * for minutes has no job. A poll for a running export, the step's job otherwise (it resumes from
 * its phase); one job per step per window, however many sweeps run. `storeId` limits it to one
 * store's steps.
 */
export async function resumeStalledSteps(deps: { db: Db; jobs: JobProducer; log: Logger }, input: { stalledForMs: number; storeId?: string }): Promise<number> {
  const stalled = await deps.db
    .select({ id: syncSteps.id, brandId: syncSteps.brandId, storeId: syncSteps.storeId, entity: syncSteps.entity, phase: syncSteps.phase })
    .from(syncSteps)
    .where(
      and(
        notInArray(syncSteps.phase, ["done", "failed"]),
        lt(syncSteps.updatedAt, new Date(Date.now() - input.stalledForMs)),
        input.storeId ? eq(syncSteps.storeId, input.storeId) : undefined,
      ),
    )
    .limit(500);
  const window = Math.floor(Date.now() / input.stalledForMs);
  for (const step of stalled) {
    if (step.phase === "bulk_running") await enqueuePoll(deps, step, `poll-${step.id}-resume-${window}`, 0);
    else await enqueueStep(deps, step, `bulk-${step.id}-resume-${window}`);
  }
  if (stalled.length) deps.log.warn({ steps: stalled.length }, "history sync steps without a job were given one again");
  return stalled.length;
}
