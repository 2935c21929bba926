import type { Logger } from "pino";

/** States a job can be listed in. */
export const JOB_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];

export type QueueCounts = Record<JobState, number>;

export interface JobRecord {
  id: string;
  queue: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  failedReason?: string;
  stacktrace: string[];
  /** Epoch ms. */
  createdAt: number;
  processedAt?: number;
  finishedAt?: number;
}

export interface EnqueueOptions {
  /** Deterministic id: a second add with the same id is a no-op. Must not contain ':'. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
  backoffMs?: number;
  priority?: number;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** Aborted when the worker is shutting down and the grace period is over. */
  signal: AbortSignal;
  log: Logger;
}

export type JobProcessor = (
  job: { id: string; name: string; data: unknown; attemptsMade: number },
  ctx: JobContext,
) => Promise<unknown>;

export type WorkerEvent =
  | { type: "active"; queue: string; jobId: string }
  | { type: "completed"; queue: string; jobId: string; durationMs: number }
  | { type: "failed"; queue: string; jobId: string; error: string; final: boolean }
  | { type: "released"; queue: string; jobId: string };

export interface WorkOptions {
  concurrency: number;
  /** How long close() lets active jobs finish before aborting and releasing them. */
  graceMs: number;
  /**
   * How long a job's lock lasts without renewal: a worker that dies (SIGKILL) loses its jobs to
   * another worker after about this long. BullMQ's default is 30 s.
   */
  lockMs?: number;
  log: Logger;
  onEvent?: (event: WorkerEvent) => void;
}

export interface WorkerHandle {
  /** Stops taking jobs, lets active ones finish within the grace period, releases the rest, closes connections. */
  close(): Promise<void>;
}

/**
 * Restricts queue figures to one brand's jobs: those whose payload names it (`brandId`, or
 * `brandIds` for a job serving several brands). Brand members see only these; the instance-wide
 * figures are for instance administrators.
 */
export interface JobFilter {
  brandId: string;
}

/** Position in a list of finished jobs (newest first): the finish time and id of the last one seen. */
export interface FinishedCursor {
  at: number;
  id: string;
}

export interface ThroughputSeries {
  /** Completed jobs per minute, oldest first, the current minute last. */
  completed: number[];
  failed: number[];
}

export interface ScheduleRecord {
  id: string;
  name: string;
  everyMs: number;
}

/**
 * A durable job queue. Adapters: BullMQ on Redis (./redis.ts) and pg-boss on Postgres
 * (./postgres.ts); ./failover.ts puts Redis first with Postgres behind it.
 */
export interface QueuePort {
  readonly backend: "redis" | "postgres";
  add(queue: string, name: string, data: unknown, opts?: EnqueueOptions): Promise<string>;
  addBulk(queue: string, jobs: { name: string; data: unknown; opts?: EnqueueOptions }[]): Promise<string[]>;
  work(queue: string, processor: JobProcessor, opts: WorkOptions): WorkerHandle;
  /**
   * Jobs per state; with a filter, that brand's only (`capped`: a state too large to scan fully, its
   * count a lower bound). `lastFailedAt`: when the newest (matching) failure happened.
   */
  counts(queue: string, filter?: JobFilter): Promise<QueueCounts & { capped?: boolean; lastFailedAt?: number | null }>;
  isPaused(queue: string): Promise<boolean>;
  /** Newest first. */
  listJobs(queue: string, state: JobState, start: number, end: number): Promise<JobRecord[]>;
  getJob(queue: string, id: string): Promise<JobRecord | null>;
  /** Finished (completed or failed) jobs, newest first, strictly before the cursor; with a filter, that brand's only. */
  pageFinished(queue: string, state: "completed" | "failed", opts: { filter?: JobFilter; limit: number; before?: FinishedCursor }): Promise<JobRecord[]>;
  retry(queue: string, id: string): Promise<void>;
  remove(queue: string, id: string): Promise<void>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  throughput(queue: string, minutes: number, filter?: JobFilter): Promise<ThroughputSeries>;
  /** Repeats a job every `everyMs` under a stable id (a second call updates it). */
  schedule(queue: string, id: string, job: { name: string; data: unknown; everyMs: number }): Promise<void>;
  unschedule(queue: string, id: string): Promise<void>;
  /** The queue's repeating jobs. */
  schedules(queue: string): Promise<ScheduleRecord[]>;
  close(): Promise<void>;
}

/** Thrown by a handler for a failure that retrying cannot fix. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
