import { z } from "zod";
import { QUEUE_NAMES } from "../../jobs/contracts";

export const queueNameInput = z.object({ queue: z.enum(QUEUE_NAMES as [string, ...string[]]).transform((q) => q as (typeof QUEUE_NAMES)[number]) });

export const jobRefInput = queueNameInput.extend({ jobId: z.string().min(1).max(256) });

export const probeInput = queueNameInput.extend({
  durationMs: z.number().int().min(0).max(60_000).default(0),
  fail: z.boolean().default(false),
});

export const failedJobsInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.object({ at: z.number().int().min(0), id: z.string().min(1).max(256) }).nullish(),
});

/** Brand members see their brand's jobs; instance administrators may look at the whole instance. */
export const queueScopeInput = z.object({ scope: z.enum(["brand", "instance"]).default("brand") });

export const liveInput = z.object({ lastEventId: z.string().nullish() });

export const liveQueuesInput = liveInput.extend(queueScopeInput.shape);
