import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";

/** Handlers of the `analysis` queue: one per job in its contract. */
export const analysisHandlers: QueueHandlers<"analysis"> = {
  probe: runProbe,
};
