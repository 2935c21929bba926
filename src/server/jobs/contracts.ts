import { z } from "zod";

/**
 * The typed catalog of queues → jobs → payloads, shared by producers and workers.
 * Payloads carry ids, never secrets. Every brand job carries `brandId` (or, for a job serving
 * several brands, `brandIds`), which is how the queue-health page shows a brand its own failed
 * jobs and nobody else's.
 */

const brandJob = z.object({ brandId: z.uuid() });

/** A diagnostic job an operator (or a test) sends through a queue to see it flow end to end. */
export const probePayload = brandJob.extend({
  probeId: z.string().min(1).max(64),
  /** How long the job "works" (it stops early when the worker shuts down). */
  durationMs: z.number().int().min(0).max(60_000).default(0),
  /** Make the job fail, to exercise the failed-jobs view and retries. */
  fail: z.boolean().default(false),
});

/**
 * A recorded Shopify webhook to apply (the delivery row holds the payload; payloads carry ids only).
 * A shop may be connected to several brands: `brandIds` are those it serves, resolved when it was
 * received, so each of them sees the job among its failed jobs (jobs queued before it existed have none).
 */
export const shopifyWebhookPayload = z.object({ deliveryId: z.uuid(), brandIds: z.array(z.uuid()).max(1_000).default([]) });

/**
 * How old an unprocessed record must be before a sweep gives it a job again: the scheduled sweeps
 * leave young ones to the job they surely have; the sweep run when Redis goes away takes them all
 * (their jobs may have been lost with it).
 */
const sweepPayload = z.object({ olderThanMs: z.number().int().min(0).max(86_400_000).optional() });

/** Every minute: deliveries recorded while the queue was unreachable are queued again. */
export const requeueWebhooksPayload = sweepPayload;

/** Resolve a brand's committed events into profiles (the backlog in arrival order, in batches). */
export const resolveEventsPayload = brandJob;

/** Scheduled: brands whose events wait without a job (queued while the queue was down) get one. */
export const resolveBacklogPayload = sweepPayload;

/** Pull what changed in the last days right after a store connects. */
export const recentSyncPayload = brandJob.extend({ storeId: z.uuid(), days: z.number().int().min(1).max(60).default(3) });

/** Scheduled per store: pull what changed since the last sync (minus a lookback), repairing lost webhooks. */
export const reconcilePayload = brandJob.extend({ storeId: z.uuid() });

/** A step of a store's history sync (one per entity), and the poll of its bulk operation. */
export const bulkStepPayload = brandJob.extend({ storeId: z.uuid(), stepId: z.uuid() });

/** An operator asked to compare the store's data with the shop's again. */
/** An operator's check: counts, and the money of the orders updated in the last `days` (see runManualCheck). */
export const completenessPayload = brandJob.extend({ storeId: z.uuid(), days: z.number().int().min(1).max(3650).default(30) });

/** Remove the records of one kind Shopify deleted without a webhook reaching us (see repairDeletions). */
export const repairDeletionsPayload = brandJob.extend({ storeId: z.uuid(), entity: z.enum(["orders", "customers", "products"]) });

/** Deliver one committed mail message through SMTP (the row holds the message; the payload its id). */
export const emailPayload = z.object({ messageId: z.uuid() });

/** Every minute: mail committed while the queue was unreachable is queued again. */
export const requeueEmailsPayload = sweepPayload;

/** Scheduled: history-sync steps left without a job (lost with Redis) get one again. */
export const resumeStalledStepsPayload = z.object({ stalledForMs: z.number().int().min(10_000).max(86_400_000).default(600_000) });

export interface QueueContract {
  description: string;
  /** Jobs processed at once by one worker process. */
  concurrency: number;
  jobs: Record<string, z.ZodType>;
}

export const queueContracts = {
  ingestion: {
    description: "Segment-compatible events and Shopify webhooks: identity resolution, profile updates",
    concurrency: 20,
    jobs: {
      probe: probePayload,
      shopifyWebhook: shopifyWebhookPayload,
      requeueWebhooks: requeueWebhooksPayload,
      resolveEvents: resolveEventsPayload,
      resolveBacklog: resolveBacklogPayload,
    },
  },
  sync: {
    description: "Shopify history and ongoing sync: bulk operations, staging, promotion, reconciliation",
    concurrency: 4,
    jobs: {
      probe: probePayload,
      recentSync: recentSyncPayload,
      reconcile: reconcilePayload,
      bulk_orders: bulkStepPayload,
      bulk_customers: bulkStepPayload,
      bulk_products: bulkStepPayload,
      bulk_poll: bulkStepPayload,
      completenessCheck: completenessPayload,
      repairDeletions: repairDeletionsPayload,
      resumeStalledSteps: resumeStalledStepsPayload,
    },
  },
  automation: {
    description: "Automation triggers, delays and actions",
    concurrency: 10,
    jobs: { probe: probePayload },
  },
  campaign: {
    description: "Campaign fan-out to the send queue",
    concurrency: 5,
    jobs: { probe: probePayload },
  },
  send: {
    description: "SMS and email delivery at the provider's rate",
    concurrency: 20,
    jobs: { probe: probePayload, email: emailPayload, requeueEmails: requeueEmailsPayload },
  },
  analysis: {
    description: "Product affinity and customer features",
    concurrency: 2,
    jobs: { probe: probePayload },
  },
} as const satisfies Record<string, QueueContract>;

export type Contracts = typeof queueContracts;
export type QueueName = keyof Contracts;
export type JobName<Q extends QueueName> = keyof Contracts[Q]["jobs"] & string;
export type JobInput<Q extends QueueName, N extends JobName<Q>> = z.input<Contracts[Q]["jobs"][N]>;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = z.output<Contracts[Q]["jobs"][N]>;

export const QUEUE_NAMES = Object.keys(queueContracts) as QueueName[];

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(queueContracts, value);
}

export function jobSchema(queue: QueueName, name: string): z.ZodType | undefined {
  const jobs: Record<string, z.ZodType> = queueContracts[queue].jobs;
  return Object.hasOwn(jobs, name) ? jobs[name] : undefined;
}
