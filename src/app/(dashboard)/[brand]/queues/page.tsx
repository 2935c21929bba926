import type { Metadata } from "next";
import { QueueHealthView } from "~/components/queues/queue-health-view";
import { QUEUE_NAMES } from "~/server/jobs/contracts";

export const metadata: Metadata = { title: "Queue health" };

export default function QueuesPage() {
  return <QueueHealthView queueNames={QUEUE_NAMES} />;
}
