import { isRetryable } from "../errors";
import type { EnqueueOptions, JobContext, JobProcessor, QueuePort } from "../infra/queue/port";
import { PermanentJobError } from "../infra/queue/port";
import { type JobInput, type JobName, type JobPayload, type QueueName, jobSchema } from "./contracts";

export class InvalidJobPayloadError extends Error {
  constructor(queue: string, name: string, detail: string) {
    super(`Invalid payload for ${queue}/${name}: ${detail}`);
    this.name = "InvalidJobPayloadError";
  }
}

function parsePayload(queue: QueueName, name: string, data: unknown): unknown {
  const schema = jobSchema(queue, name);
  if (!schema) throw new InvalidJobPayloadError(queue, name, "no such job in the contracts");
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidJobPayloadError(queue, name, parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  }
  return parsed.data;
}

/** Enqueues jobs type-checked against the contracts and validated before they reach the queue. */
export function createJobProducer(port: QueuePort) {
  return {
    async enqueue<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, payload: JobInput<Q, N>, opts?: EnqueueOptions) {
      return port.add(queue, name, parsePayload(queue, name, payload), opts);
    },
    /** A repeating job under a stable id (e.g. one reconciliation per store). */
    async schedule<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, payload: JobInput<Q, N>, opts: { id: string; everyMs: number }) {
      await port.schedule(queue, opts.id, { name, data: parsePayload(queue, name, payload), everyMs: opts.everyMs });
    },
    async unschedule(queue: QueueName, id: string) {
      await port.unschedule(queue, id);
    },
    async enqueueMany<Q extends QueueName, N extends JobName<Q>>(
      queue: Q,
      name: N,
      jobs: { payload: JobInput<Q, N>; opts?: EnqueueOptions }[],
    ) {
      return port.addBulk(
        queue,
        jobs.map((j) => ({ name, data: parsePayload(queue, name, j.payload), opts: j.opts })),
      );
    },
  };
}

export type JobProducer = ReturnType<typeof createJobProducer>;

export type JobHandler<Q extends QueueName, N extends JobName<Q>> = (payload: JobPayload<Q, N>, ctx: JobContext) => Promise<unknown>;

export type QueueHandlers<Q extends QueueName> = { [N in JobName<Q>]: JobHandler<Q, N> };

/**
 * A job's result as the queue stores it (JSON): Shopify ids are bigints, which JSON.stringify
 * refuses — after the job's work was done — so they are written as their digits.
 */
function jsonSafe(value: unknown): unknown {
  let big = false;
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? ((big = true), v.toString()) : v));
  return big ? (JSON.parse(text) as unknown) : value;
}

/**
 * Turns a queue's typed handlers into one processor: the payload is parsed first, and a payload
 * that does not match its contract fails permanently (retrying cannot fix it). This is the one
 * place that decides retry or permanent failure: a handler's error that is not retryable (a domain
 * error such as "the store is not connected" or "the body is malformed", see `isRetryable`) fails
 * the job at once; anything else is retried within the job's attempts.
 */
export function createQueueProcessor<Q extends QueueName>(queue: Q, handlers: QueueHandlers<Q>): JobProcessor {
  const table = handlers as Record<string, (payload: unknown, ctx: JobContext) => Promise<unknown>>;
  return async (job, ctx) => {
    const handler = Object.hasOwn(table, job.name) ? table[job.name] : undefined;
    if (!handler) throw new PermanentJobError(`No handler for ${queue}/${job.name}`);
    let payload: unknown;
    try {
      payload = parsePayload(queue, job.name, job.data);
    } catch (err) {
      throw new PermanentJobError((err as Error).message, { cause: err });
    }
    try {
      return jsonSafe(await handler(payload, ctx));
    } catch (err) {
      if (isRetryable(err)) throw err;
      throw new PermanentJobError((err as Error).message, { cause: err });
    }
  };
}
