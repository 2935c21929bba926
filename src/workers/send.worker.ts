import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";

/** Handlers of the `send` queue: one per job in its contract. */
export const sendHandlers: QueueHandlers<"send"> = {
  probe: runProbe,
};
