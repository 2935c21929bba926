import type { Infra } from "../../infra";
import type { QueueName } from "../../jobs/contracts";
import { announceQueueActivity } from "./activity";

/** Pauses or resumes a queue for every brand (instance administrators only). */
export async function setQueuePaused(deps: Pick<Infra, "queue" | "pubsub">, input: { queue: QueueName; paused: boolean }): Promise<void> {
  if (input.paused) await deps.queue.pause(input.queue);
  else await deps.queue.resume(input.queue);
  await announceQueueActivity(deps, [input.queue]);
}
