import { count } from "drizzle-orm";
import type { Db } from "../../db/client";
import { brands, user } from "../../db/schema";
import type { QueuePort } from "../../infra/queue/port";
import { getAllQueuesHealth, THROUGHPUT_MINUTES } from "../queues/health";

/** Instance-wide figures for /api/monitoring/stats. */
export async function getInstanceStats(deps: { db: Db; queue: QueuePort }) {
  const [queues, [brandCount], [userCount]] = await Promise.all([
    getAllQueuesHealth(deps, { scope: "instance" }),
    deps.db.select({ n: count() }).from(brands),
    deps.db.select({ n: count() }).from(user),
  ]);
  const sum = (pick: (q: (typeof queues)[number]) => number) => queues.reduce((n, q) => n + pick(q), 0);
  const memory = process.memoryUsage();
  return {
    jobs: {
      waiting: sum((q) => q.counts.waiting),
      active: sum((q) => q.counts.active),
      delayed: sum((q) => q.counts.delayed),
      completed: sum((q) => q.counts.completed),
      failed: sum((q) => q.counts.failed),
      completedLastMinute: sum((q) => q.completedPerMinute.at(-1) ?? 0),
      [`completedLast${THROUGHPUT_MINUTES}Minutes`]: sum((q) => q.completedPerMinute.reduce((a, b) => a + b, 0)),
      [`failedLast${THROUGHPUT_MINUTES}Minutes`]: sum((q) => q.failedPerMinute.reduce((a, b) => a + b, 0)),
      pausedQueues: queues.filter((q) => q.paused).map((q) => q.name),
    },
    tenants: { brands: brandCount?.n ?? 0, users: userCount?.n ?? 0 },
    process: {
      uptimeSeconds: Math.round(process.uptime()),
      rssMb: Math.round(memory.rss / 2 ** 20),
      heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
      node: process.version,
    },
    at: new Date().toISOString(),
  };
}
