import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";

/** Handlers of the `ingestion` queue: one per job in its contract. */
export const ingestionHandlers: QueueHandlers<"ingestion"> = {
  probe: runProbe,
};
