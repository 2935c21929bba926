import type { PubSubPort } from "../../infra/pubsub/port";
import type { WorkerEvent } from "../../infra/queue/port";

/** Workers announce job lifecycle changes here; the queue-health subscription listens. */
export const QUEUE_ACTIVITY_CHANNEL = "queues:activity";

export interface QueueActivity {
  queues: string[];
  at: number;
}

/**
 * Coalesces worker events into at most one message per interval per process, so a busy worker
 * never floods pub/sub: the page only needs to know "something changed in these queues".
 */
export function createActivityPublisher(deps: { pubsub: PubSubPort }, opts: { intervalMs?: number } = {}) {
  const intervalMs = opts.intervalMs ?? 200;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    if (pending.size === 0) return;
    const message: QueueActivity = { queues: [...pending], at: Date.now() };
    pending.clear();
    deps.pubsub.publish(QUEUE_ACTIVITY_CHANNEL, message).catch(() => {});
  };

  return {
    onEvent(event: WorkerEvent) {
      pending.add(event.queue);
      timer ??= setTimeout(flush, intervalMs);
    },
    /** Also lets producers announce a new waiting job. */
    touch(queue: string) {
      pending.add(queue);
      timer ??= setTimeout(flush, intervalMs);
    },
    stop() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}

/** One-off announcement from a producer (a new job, a pause), outside any worker. */
export async function announceQueueActivity(deps: { pubsub: PubSubPort }, queues: string[]): Promise<void> {
  const message: QueueActivity = { queues, at: Date.now() };
  await deps.pubsub.publish(QUEUE_ACTIVITY_CHANNEL, message).catch(() => {});
}
