import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { brandAndStore } from "./commerce";

export const SYNC_ENTITIES = ["orders", "customers", "products"] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

/**
 * Milestones of one entity's history sync, in order. `failed` keeps the phase it failed in
 * (`failedPhase`) so a retry knows where to pick up.
 */
export const SYNC_PHASES = ["queued", "bulk_running", "downloading", "staging", "promoting", "done", "failed"] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

const owner = brandAndStore;

/** One history sync of a store: a step per entity. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    ...owner(),
    /** `running` until every step is done (`done`) or one has failed (`failed`). */
    status: text({ enum: ["running", "done", "failed"] })
      .notNull()
      .default("running"),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    /** Why the run was stopped from outside (the app uninstalled, the store disconnected), if it was. */
    stopReason: text(),
  },
  (t) => [index().on(t.brandId, t.startedAt), index().on(t.storeId, t.startedAt)],
);

/** One entity of a run: a Shopify bulk operation, its download, staging and promotion. */
export const syncSteps = pgTable(
  "sync_steps",
  {
    id: uuid().primaryKey().defaultRandom(),
    runId: uuid()
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    ...owner(),
    entity: text({ enum: SYNC_ENTITIES }).notNull(),
    phase: text({ enum: SYNC_PHASES }).notNull().default("queued"),
    /** The phase a failed step failed in. */
    failedPhase: text({ enum: SYNC_PHASES }),
    /** Why the step failed (while failed); a retry clears it, `failures` keeps it. */
    error: text(),
    /** Every failure of the step, oldest first: a retry and a second failure do not wipe the first. */
    failures: jsonb().$type<StepFailure[]>().notNull().default([]),
    /** A transient error the queue is retrying after (cleared when the step moves on). */
    retrying: jsonb().$type<StepRetry>(),
    /** The Shopify bulk operation (gid) and what it last reported. */
    bulkOperationId: text(),
    bulkStatus: text(),
    /** The shop's own count of this entity when the step started: the bulk operation's expected roots. */
    expectedRoots: bigint({ mode: "number" }),
    objectCount: bigint({ mode: "number" }).notNull().default(0),
    rootObjectCount: bigint({ mode: "number" }).notNull().default(0),
    fileSize: bigint({ mode: "number" }),
    /** Signed download URL of the result: grants access to the shop's data, never leaves the server. */
    resultUrl: text(),
    /** Lines of the result read, committed to staging, and promoted (resume points). */
    linesStaged: bigint({ mode: "number" }).notNull().default(0),
    bytesStaged: bigint({ mode: "number" }).notNull().default(0),
    rootsStaged: bigint({ mode: "number" }).notNull().default(0),
    rootsPromoted: bigint({ mode: "number" }).notNull().default(0),
    linesPromoted: bigint({ mode: "number" }).notNull().default(0),
    /** Milliseconds spent per phase, e.g. { bulk_running: 5400, staging: 2100 }. */
    timings: jsonb().$type<Partial<Record<SyncPhase, number>>>().notNull().default({}),
    /** The money check of the exported window, computed before staging is dropped (orders only). */
    moneyCheck: jsonb().$type<{ money: MoneyCheck[]; changedSince: number }>(),
    attempts: integer().notNull().default(0),
    phaseStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sync_steps_run_entity").on(t.runId, t.entity), index().on(t.bulkOperationId), index().on(t.storeId, t.phase)],
);

/**
 * A run of result lines committed to staging in one transaction, and later promoted in one.
 * Its id tags the staged rows, so promotion reads exactly this chunk.
 */
export const syncChunks = pgTable(
  "sync_chunks",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    stepId: uuid()
      .notNull()
      .references(() => syncSteps.id, { onDelete: "cascade" }),
    /** 1, 2, … within the step; tags the staged rows. */
    seq: integer().notNull(),
    /** Result lines [firstLine, endLine), 0-based. */
    firstLine: bigint({ mode: "number" }).notNull(),
    endLine: bigint({ mode: "number" }).notNull(),
    endByte: bigint({ mode: "number" }).notNull(),
    roots: integer().notNull(),
    children: integer().notNull(),
    promoted: boolean().notNull().default(false),
    stagedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("sync_chunks_step_seq").on(t.stepId, t.seq)],
);

export interface StepFailure {
  at: string;
  /** The phase the step was in. */
  phase: SyncPhase;
  error: string;
}

export interface StepRetry {
  /** The attempt that failed (1-based) and how many there are in all. */
  attempt: number;
  of: number;
  error: string;
  at: string;
}

export interface EntityCheck {
  entity: SyncEntity;
  local: number;
  shop: number;
}

export interface MoneyCheck {
  currency: string;
  /** The shop's figures for the orders in the window, and ours for the same orders. */
  shop: { orders: number; total: string; refunded: string };
  local: { orders: number; total: string; refunded: string };
  /** Orders of the window we hold in an older version than the shop's (a missed update). */
  stale?: number;
}

/** A completeness check: our counts and money against the shop's own, after a sync or reconciliation. */
export const syncChecks = pgTable(
  "sync_checks",
  {
    id: uuid().primaryKey().defaultRandom(),
    ...owner(),
    trigger: text({ enum: ["history", "reconcile", "manual"] }).notNull(),
    ok: boolean().notNull(),
    counts: jsonb().$type<EntityCheck[]>().notNull(),
    money: jsonb().$type<MoneyCheck[]>().notNull(),
    /** What the money window covered, e.g. "all orders in the history export" or "updated since …". */
    window: text().notNull(),
    /** Orders changed in the shop after they were read (left out of both sides of the money check). */
    changedSince: integer().notNull().default(0),
    checkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.storeId, t.checkedAt)],
);
