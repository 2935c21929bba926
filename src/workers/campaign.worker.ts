import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";

/** Handlers of the `campaign` queue: one per job in its contract. */
export const campaignHandlers: QueueHandlers<"campaign"> = {
  probe: runProbe,
};
