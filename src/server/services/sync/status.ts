import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type SyncPhase, syncChecks, syncRuns, syncSteps } from "../../db/schema";
import { listStores } from "../stores/connect";

type Step = typeof syncSteps.$inferSelect;


/**
 * One entity's progress as the operator sees it: the phase, a fraction of the whole step (the
 * export counts for the first half, staging and promotion for the second), the current phase's
 * rate and an ETA when it can be told.
 */
export function stepProgress(step: Step, now = Date.now()) {
  const elapsedS = Math.max(0.001, (now - step.phaseStartedAt.getTime()) / 1000);
  const roots = step.rootObjectCount;
  const expected = step.expectedRoots ?? null;
  let fraction = 0;
  let done = 0;
  let total: number | null = null;
  const phase: SyncPhase = step.phase;
  if (phase === "bulk_running") {
    done = roots;
    total = expected;
    fraction = expected ? 0.5 * Math.min(1, roots / expected) : 0;
  } else if (phase === "downloading" || phase === "staging" || phase === "promoting") {
    done = phase === "promoting" ? step.rootsPromoted : step.rootsStaged;
    total = roots;
    // The second half: staging and promotion, a quarter each, so the bar moves as chunks land.
    fraction = 0.5 + (roots ? 0.25 * Math.min(1, step.rootsStaged / roots) + 0.25 * Math.min(1, step.rootsPromoted / roots) : 0);
  } else if (phase === "done") {
    fraction = 1;
    done = total = step.rootsPromoted || roots;
  } else if (phase === "failed") {
    // Where it stopped: the red bar keeps its length.
    done = step.rootsPromoted;
    total = roots || expected;
    fraction = step.rootsPromoted && roots ? 0.5 + 0.5 * (step.rootsPromoted / roots) : expected ? 0.5 * Math.min(1, roots / expected) : 0;
  }
  const active = phase === "bulk_running" || phase === "staging" || phase === "promoting";
  const rate = active && done > 0 ? done / elapsedS : null;
  const etaSeconds = rate && total && total > done ? Math.round((total - done) / rate) : null;
  return { fraction, done, total, ratePerSecond: rate ? Math.round(rate) : null, etaSeconds };
}

function viewStep(step: Step) {
  return {
    id: step.id,
    entity: step.entity,
    phase: step.phase,
    failedPhase: step.failedPhase,
    error: step.error,
    /** Earlier failures, oldest first (the current one included while failed). */
    failures: step.failures,
    /** A transient error the queue is retrying after: "retrying (attempt of of)". */
    retrying: step.retrying ?? null,
    bulkStatus: step.bulkStatus,
    expected: step.expectedRoots,
    objectCount: step.objectCount,
    rootObjectCount: step.rootObjectCount,
    fileSize: step.fileSize,
    bytesStaged: step.bytesStaged,
    staged: step.rootsStaged,
    promoted: step.rootsPromoted,
    timings: step.timings,
    attempts: step.attempts,
    startedAt: step.startedAt.toISOString(),
    phaseStartedAt: step.phaseStartedAt.toISOString(),
    finishedAt: step.finishedAt?.toISOString() ?? null,
    ...stepProgress(step),
  };
}

/**
 * A brand's sync status: every store with its connection state, how far incremental sync has
 * reached, how much of each entity is stored, its latest history run (per entity milestones) and
 * its latest completeness check. The same JSON for GET /api/sync/{brandId}/status and tRPC.
 */
export async function getSyncStatus(deps: { db: Db }, input: { brandId: string }) {
  // Row counts are maintained as rows land (store_count_deltas), cheap enough for every live tick.
  const stores = await listStores(deps, input);
  const ids = stores.map((s) => s.id);
  const runs = ids.length ? await deps.db.selectDistinctOn([syncRuns.storeId]).from(syncRuns).where(inArray(syncRuns.storeId, ids)).orderBy(syncRuns.storeId, desc(syncRuns.startedAt)) : [];
  const steps = runs.length ? await deps.db.select().from(syncSteps).where(inArray(syncSteps.runId, runs.map((r) => r.id))) : [];
  const checks = ids.length
    ? await deps.db.selectDistinctOn([syncChecks.storeId]).from(syncChecks).where(and(inArray(syncChecks.storeId, ids), eq(syncChecks.brandId, input.brandId))).orderBy(syncChecks.storeId, desc(syncChecks.checkedAt))
    : [];
  const order = { orders: 0, customers: 1, products: 2 };
  const views = stores.map((s) => {
    const run = runs.find((r) => r.storeId === s.id);
    const runSteps = steps.filter((st) => st.runId === run?.id).sort((a, b) => order[a.entity] - order[b.entity]).map(viewStep);
    const check = checks.find((c) => c.storeId === s.id);
    // The run's progress: steps weighted by their size (orders dominate).
    const weight = (st: (typeof runSteps)[number]) => Math.max(1, st.expected ?? st.rootObjectCount);
    const total = runSteps.reduce((n, st) => n + weight(st), 0);
    return {
      id: s.id,
      shop: s.shopDomain,
      status: s.status,
      syncedThrough: s.syncedThrough?.toISOString() ?? null,
      /** Rows stored per entity. */
      counts: { orders: s.orders, customers: s.customers, products: s.products },
      run: run
        ? {
            id: run.id,
            status: run.status,
            startedAt: run.startedAt.toISOString(),
            finishedAt: run.finishedAt?.toISOString() ?? null,
            stopReason: run.stopReason,
            fraction: total ? runSteps.reduce((n, st) => n + st.fraction * weight(st), 0) / total : 0,
            steps: runSteps,
          }
        : null,
      check: check
        ? { ok: check.ok, trigger: check.trigger, counts: check.counts, money: check.money, window: check.window, changedSince: check.changedSince, checkedAt: check.checkedAt.toISOString() }
        : null,
    };
  });
  return {
    brandId: input.brandId,
    /** Whether any store's history sync is running (the progress widget shows while it is). */
    syncing: views.some((v) => v.run?.status === "running"),
    stores: views,
    generatedAt: new Date().toISOString(),
  };
}

export type SyncStatus = Awaited<ReturnType<typeof getSyncStatus>>;
