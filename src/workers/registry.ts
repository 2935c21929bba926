import type { QueueName } from "~/server/jobs/contracts";
import { createQueueProcessor } from "~/server/jobs/queue";
import type { JobProcessor } from "~/server/infra/queue/port";
import { analysisHandlers } from "./analysis.worker";
import { automationHandlers } from "./automation.worker";
import { campaignHandlers } from "./campaign.worker";
import { ingestionHandlers } from "./ingestion.worker";
import { sendHandlers } from "./send.worker";
import { syncHandlers } from "./sync.worker";

/** Every queue's processor; the type makes a queue without handlers a compile error. */
export const processors: { [Q in QueueName]: JobProcessor } = {
  ingestion: createQueueProcessor("ingestion", ingestionHandlers),
  sync: createQueueProcessor("sync", syncHandlers),
  automation: createQueueProcessor("automation", automationHandlers),
  campaign: createQueueProcessor("campaign", campaignHandlers),
  send: createQueueProcessor("send", sendHandlers),
  analysis: createQueueProcessor("analysis", analysisHandlers),
};
