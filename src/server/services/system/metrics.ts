import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { QueuePort } from "../../infra/queue/port";
import { getAllQueuesHealth } from "../queues/health";

/**
 * The web process's Prometheus registry. Queue figures are read from the queue backend at scrape
 * time, so they describe the whole instance whichever process runs the workers.
 */
export function createMetrics(deps: { queue: () => QueuePort }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "brandbase_" });

  const httpRequests = new Counter({
    name: "brandbase_http_requests_total",
    help: "HTTP requests handled, by route, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "brandbase_http_request_duration_seconds",
    help: "HTTP request duration by route",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const queueJobs = new Gauge({ name: "brandbase_queue_jobs", help: "Jobs per queue and state", labelNames: ["queue", "state"] as const, registers: [registry] });
  const queuePaused = new Gauge({ name: "brandbase_queue_paused", help: "1 when the queue is paused", labelNames: ["queue"] as const, registers: [registry] });
  const completedPerMinute = new Gauge({
    name: "brandbase_queue_completed_last_minute",
    help: "Jobs completed in the current minute",
    labelNames: ["queue"] as const,
    registers: [registry],
  });
  const jobDuration = new Gauge({
    name: "brandbase_job_duration_seconds",
    help: "Job run time over the most recent completions (quantile 0.5 and 0.95)",
    labelNames: ["queue", "quantile"] as const,
    registers: [registry],
  });
  const jobWait = new Gauge({
    name: "brandbase_job_wait_seconds",
    help: "Time from enqueue to start over the most recent completions (quantile 0.5 and 0.95)",
    labelNames: ["queue", "quantile"] as const,
    registers: [registry],
  });
  const scrapeErrors = new Counter({ name: "brandbase_queue_scrape_errors_total", help: "Failed reads of queue state during a scrape", registers: [registry] });

  async function collectQueues(): Promise<void> {
    try {
      const health = await getAllQueuesHealth({ queue: deps.queue() }, { scope: "instance" });
      for (const q of health) {
        for (const [state, n] of Object.entries(q.counts)) queueJobs.set({ queue: q.name, state }, n);
        queuePaused.set({ queue: q.name }, q.paused ? 1 : 0);
        completedPerMinute.set({ queue: q.name }, q.completedPerMinute.at(-1) ?? 0);
        const set = (g: Gauge<"queue" | "quantile">, quantile: string, ms: number | null) => {
          if (ms !== null) g.set({ queue: q.name, quantile }, ms / 1000);
        };
        set(jobDuration, "0.5", q.latency.runP50Ms);
        set(jobDuration, "0.95", q.latency.runP95Ms);
        set(jobWait, "0.5", q.latency.waitP50Ms);
        set(jobWait, "0.95", q.latency.waitP95Ms);
      }
    } catch {
      scrapeErrors.inc();
    }
  }

  return {
    registry,
    observeHttp(route: string, method: string, status: number, seconds: number) {
      httpRequests.inc({ route, method, status: String(status) });
      httpDuration.observe({ route, method }, seconds);
    },
    async render(): Promise<{ contentType: string; body: string }> {
      await collectQueues();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
