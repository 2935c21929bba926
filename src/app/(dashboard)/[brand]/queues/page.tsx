import type { Metadata } from "next";
import { QueueHealthView } from "~/components/queues/queue-health-view";

export const metadata: Metadata = { title: "Queue health" };

export default function QueuesPage() {
  return <QueueHealthView />;
}
