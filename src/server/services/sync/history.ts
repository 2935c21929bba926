import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, inArray, sql as dsql } from "drizzle-orm";
import type { Db, Sql } from "../../db/client";
import { SYNC_ENTITIES, type SyncEntity, type SyncPhase, stores, syncRuns, syncSteps } from "../../db/schema";
import { getEnv } from "../../env";
import { AppError, isAppError } from "../../errors";
import type { PubSubPort } from "../../infra/pubsub/port";
import { PermanentJobError } from "../../infra/queue/port";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { requireBrandChild } from "../brands/access";
import { requireConnectedStore } from "../stores/session";
import { ENTITY_DEFS, MalformedLineError } from "./bulk/entities";
import { dropStaging, ingestBulkResult, ResultGoneError } from "./bulk/ingest";
import { BulkStartError, pollBulkOperation, shopCounts, startBulkOperation } from "./bulk/operation";
import { stagingTable } from "./bulk/staging";
import { type MoneyWindow, recordCheck, stagedOrdersWindow } from "./completeness";
import { storeClient } from "./graphql";

/**
 * The history sync: per store a run, per entity a step that moves through
 * queued → bulk_running → downloading → staging → promoting → done (or failed, keeping the phase
 * it failed in). Each move is committed, then announced on the brand's sync channel.
 */

export const BULK_ATTEMPTS = 5;
const POLL_EVERY_MS = 1_000;

export const syncChannel = (brandId: string) => `sync:${brandId}`;
export const bulkJobName = (entity: SyncEntity) => `bulk_${entity}` as const;

export interface HistoryDeps {
  db: Db;
  jobs: JobProducer;
  pubsub: PubSubPort;
  log: Logger;
}

export interface ShopifyDeps extends HistoryDeps {
  sql: Sql;
  shopify: Shopify;
  storage: SessionStorage;
}

type Step = typeof syncSteps.$inferSelect;

/** Announces a change; at most one message per step per interval, the last one always sent. */
function throttled(fn: () => void, ms = 250) {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    call() {
      const wait = last + ms - Date.now();
      if (wait <= 0) {
        last = Date.now();
        fn();
      } else timer ??= setTimeout(() => {
        timer = undefined;
        last = Date.now();
        fn();
      }, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      fn();
    },
  };
}

function announce(deps: { pubsub: PubSubPort }, brandId: string) {
  deps.pubsub.publish(syncChannel(brandId), { at: Date.now() }).catch(() => {});
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
  if (store.status !== "connected") throw new AppError("CONFLICT", `${store.shopDomain} is ${store.status.replace("_", " ")}: reconnect it first`);
  const { run, steps } = await deps.db.transaction(async (tx) => {
    // One running history sync per store (the row lock serializes concurrent starts).
    await tx.execute(dsql`select id from stores where id = ${store.id} for update`);
    const [running] = await tx.select({ id: syncRuns.id }).from(syncRuns).where(and(eq(syncRuns.storeId, store.id), eq(syncRuns.status, "running")));
    if (running) throw new AppError("CONFLICT", `A history sync of ${store.shopDomain} is already running`);
    const [run] = await tx.insert(syncRuns).values({ brandId: store.brandId, storeId: store.id }).returning();
    const steps = await tx
      .insert(syncSteps)
      .values(SYNC_ENTITIES.map((entity) => ({ runId: run!.id, brandId: store.brandId, storeId: store.id, entity })))
      .returning();
    return { run: run!, steps };
  });
  for (const step of steps) await enqueueStep(deps, step, `bulk-${step.id}-start`);
  announce(deps, store.brandId);
  deps.log.info({ storeId: store.id, runId: run.id }, "history sync started");
  return { runId: run.id };
}

async function loadStep(db: Db, stepId: string): Promise<Step | undefined> {
  const [step] = await db.select().from(syncSteps).where(eq(syncSteps.id, stepId));
  return step;
}

/** Moves a step to `phase`, adding the time spent in the one it leaves to its timings. */
async function setPhase(db: Db, stepId: string, phase: SyncPhase, extra: Partial<typeof syncSteps.$inferInsert> = {}, onlyFrom?: SyncPhase): Promise<boolean> {
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

async function failStep(deps: HistoryDeps, step: Step, message: string): Promise<void> {
  const current = (await loadStep(deps.db, step.id))?.phase ?? step.phase;
  if (current === "done") return; // what failed came after the step (it stays done)
  await setPhase(deps.db, step.id, "failed", { failedPhase: current === "failed" ? step.failedPhase : current, error: message.slice(0, 2000) });
  await closeRun(deps.db, step.runId);
  announce(deps, step.brandId);
  deps.log.warn({ stepId: step.id, entity: step.entity, phase: current, error: message }, "history sync step failed");
}

/**
 * The job of one step (`bulk_orders`, `bulk_customers`, `bulk_products`): starts the bulk
 * operation when queued; once its result is ready (noticed by the poll job or the
 * `bulk_operations/finish` webhook) downloads, stages and promotes it. A crash anywhere resumes here.
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
    if (isAppError(err) || err instanceof MalformedLineError || (err instanceof BulkStartError && !err.busy)) {
      await failStep(deps, step, (err as Error).message);
      throw new PermanentJobError((err as Error).message, { cause: err });
    }
    if (err instanceof ResultGoneError) {
      await restartExport(deps, step);
      return { phase: "queued" };
    }
    if (lastAttempt && !input.signal?.aborted) await failStep(deps, step, (err as Error).message);
    else await deps.db.update(syncSteps).set({ error: `Retrying after: ${(err as Error).message}`.slice(0, 2000) }).where(eq(syncSteps.id, step.id));
    announce(deps, step.brandId);
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
  announce(deps, step.brandId);
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
    if (isAppError(err)) {
      await failStep(deps, step, err.message);
      throw new PermanentJobError(err.message, { cause: err });
    }
    throw err;
  }
  if (!op) {
    await failStep(deps, step, `Shopify no longer knows bulk operation ${step.bulkOperationId}`);
    return { status: "missing" };
  }
  const counts = { objectCount: Number(op.objectCount), rootObjectCount: Number(op.rootObjectCount), bulkStatus: op.status };
  deps.log.debug({ stepId: step.id, entity: step.entity, status: op.status, objects: counts.objectCount }, "bulk operation polled");
  if (op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING") {
    await deps.db.update(syncSteps).set({ ...counts, updatedAt: new Date() }).where(and(eq(syncSteps.id, step.id), eq(syncSteps.phase, "bulk_running")));
    announce(deps, step.brandId);
    await enqueuePoll(deps, step, `poll-${step.id}-${Date.now()}`);
    return { status: op.status };
  }
  if (op.status === "COMPLETED") {
    // Only one of the poll job and the finish webhook moves the step on.
    const moved = await setPhase(deps.db, step.id, "downloading", { ...counts, fileSize: op.fileSize ? Number(op.fileSize) : 0, resultUrl: op.url }, "bulk_running");
    if (moved) {
      if (op.url) await enqueueStep(deps, step, `ingest-${step.id}-${Date.now()}`);
      else await finishStep(deps, step, null); // nothing to export
      announce(deps, step.brandId);
    }
    return { status: op.status };
  }
  await failStep(deps, step, `Shopify's bulk export ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}`);
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

async function ingestStep(deps: ShopifyDeps, step: Step, signal?: AbortSignal): Promise<{ phase: SyncPhase }> {
  const def = ENTITY_DEFS[step.entity];
  if (!step.resultUrl) {
    await finishStep(deps, step, null);
    return { phase: "done" };
  }
  // The store must still be connected (an uninstalled store's jobs stop here); the signed result URL needs no token.
  await requireConnectedStore(deps, { storeId: step.storeId });
  const progress = throttled(() => announce(deps, step.brandId));
  const result = await ingestBulkResult(
    {
      sql: deps.sql,
      chunkLines: getEnv().SYNC_CHUNK_LINES,
      onProgress: () => progress.call(),
      setPhase: async (phase) => {
        await setPhase(deps.db, step.id, phase);
        progress.flush();
      },
    },
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
  await setPhase(deps.db, step.id, "done", window ? { moneyCheck: window } : {});
  await dropStaging(deps.sql, step.id, ENTITY_DEFS[step.entity]);
  await deps.sql`delete from sync_chunks where step_id = ${step.id}`;
  announce(deps, step.brandId);
  await settleRun(deps, step.runId);
}

/**
 * Ends a run once none of its steps is still working: `done` when all are done, `failed` when one
 * failed (the others finish first, so the widget and the Sync page show the run until then).
 */
async function closeRun(db: Db, runId: string): Promise<{ brandId: string; storeId: string; status: string } | undefined> {
  const rows = await db.execute<{ brandId: string; storeId: string; status: string }>(dsql`
    update sync_runs set finished_at = now(),
      status = case when exists (select 1 from sync_steps where run_id = ${runId} and phase = 'failed') then 'failed' else 'done' end
    where id = ${runId} and status = 'running'
      and not exists (select 1 from sync_steps where run_id = ${runId} and phase not in ('done', 'failed'))
    returning brand_id as "brandId", store_id as "storeId", status`);
  return rows[0];
}

/** When every step of a run is done: the run is done and the completeness check runs. */
async function settleRun(deps: ShopifyDeps, runId: string): Promise<void> {
  const run = await closeRun(deps.db, runId);
  if (run?.status !== "done") return;
  const [orders] = await deps.db.select({ moneyCheck: syncSteps.moneyCheck }).from(syncSteps).where(and(eq(syncSteps.runId, runId), eq(syncSteps.entity, "orders")));
  try {
    await runCompletenessCheck(deps, { brandId: run.brandId, storeId: run.storeId, trigger: "history", window: orders?.moneyCheck ?? { money: [], changedSince: 0 }, windowLabel: "every order in the history export" });
  } catch (err) {
    // The data is in; a check that cannot reach Shopify now (uninstalled, throttled) runs with the next reconciliation.
    deps.log.warn({ runId, storeId: run.storeId, err }, "completeness check after the history sync could not run");
  }
}

/** "Check again": compares the store's data with the shop's now, as a job (it calls Shopify). */
export async function requestCompletenessCheck(deps: { db: Db; jobs: JobProducer }, input: { brandId: string; storeId: string }): Promise<{ jobId: string }> {
  const store = await requireBrandChild(deps, { brandId: input.brandId, kind: "store", id: input.storeId });
  const jobId = await deps.jobs.enqueue("sync", "completenessCheck", { brandId: store.brandId, storeId: store.id }, { jobId: `check-${store.id}-${Date.now()}` });
  return { jobId };
}

export async function runCompletenessCheck(
  deps: ShopifyDeps,
  input: { brandId: string; storeId: string; trigger: "history" | "reconcile" | "manual"; window: MoneyWindow; windowLabel: string; signal?: AbortSignal },
) {
  const { request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal });
  const shop = await shopCounts(request);
  const check = await recordCheck(deps.sql, { ...input, shop });
  announce(deps, input.brandId);
  if (!check.ok) deps.log.warn({ storeId: input.storeId, trigger: input.trigger, counts: check.counts, money: check.money }, "completeness check found a drift");
  return check;
}

/** Back to a fresh export (the result expired, or the operator retries a failed export). */
async function restartExport(deps: HistoryDeps & { sql: Sql }, step: Step): Promise<void> {
  await dropStaging(deps.sql, step.id, ENTITY_DEFS[step.entity]);
  await deps.sql`delete from sync_chunks where step_id = ${step.id}`;
  await setPhase(deps.db, step.id, "queued", {
    bulkOperationId: null, bulkStatus: null, resultUrl: null, fileSize: null, objectCount: 0, rootObjectCount: 0,
    linesStaged: 0, bytesStaged: 0, rootsStaged: 0, rootsPromoted: 0, linesPromoted: 0, failedPhase: null,
  });
  await enqueueStep(deps, step, `bulk-${step.id}-restart-${Date.now()}`);
  announce(deps, step.brandId);
}

/**
 * The Sync page's retry: a step that failed while promoting resumes from its last promoted chunk;
 * one that failed earlier (the export, or a malformed result) runs a fresh export.
 */
export async function retrySyncStep(deps: HistoryDeps & { sql: Sql }, input: { brandId: string; stepId: string }): Promise<void> {
  const step = await requireBrandChild(deps, { brandId: input.brandId, kind: "syncStep", id: input.stepId });
  if (step.phase !== "failed") throw new AppError("CONFLICT", `The ${step.entity} step has not failed (it is ${step.phase.replace("_", " ")})`);
  await deps.db.update(syncRuns).set({ status: "running", finishedAt: null }).where(eq(syncRuns.id, step.runId));
  await deps.db.update(syncSteps).set({ attempts: dsql`${syncSteps.attempts} + 1`, error: null }).where(eq(syncSteps.id, step.id));
  if (step.failedPhase === "promoting" && step.resultUrl) {
    await setPhase(deps.db, step.id, "downloading", { failedPhase: null });
    await enqueueStep(deps, step, `bulk-${step.id}-retry-${Date.now()}`);
    announce(deps, step.brandId);
  } else await restartExport(deps, step);
  deps.log.info({ stepId: step.id, entity: step.entity }, "history sync step retried");
}

/** Stops a store's history sync (disconnect, uninstall): running steps fail with the reason. */
export async function stopHistorySync(deps: { db: Db }, input: { storeId: string; reason: string }): Promise<void> {
  await deps.db
    .update(syncSteps)
    .set({ phase: "failed", failedPhase: dsql`${syncSteps.phase}`, error: input.reason, updatedAt: new Date() })
    .where(and(eq(syncSteps.storeId, input.storeId), inArray(syncSteps.phase, ["queued", "bulk_running", "downloading", "staging", "promoting"])));
  await deps.db.update(syncRuns).set({ status: "failed", finishedAt: new Date() }).where(and(eq(syncRuns.storeId, input.storeId), eq(syncRuns.status, "running")));
}
