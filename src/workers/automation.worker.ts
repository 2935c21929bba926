import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";

/** Handlers of the `automation` queue: one per job in its contract. */
export const automationHandlers: QueueHandlers<"automation"> = {
  probe: runProbe,
};
