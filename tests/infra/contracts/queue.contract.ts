import { once } from "node:events";
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getLogger } from "~/server/logger";
import type { JobProcessor, QueuePort, WorkerEvent, WorkerHandle } from "~/server/infra/queue/port";
import { PermanentJobError } from "~/server/infra/queue/port";

const log = getLogger();

/** Collects worker events and lets a test await a specific one. */
function eventLog() {
  const emitter = new EventEmitter();
  const events: WorkerEvent[] = [];
  return {
    events,
    onEvent: (e: WorkerEvent) => {
      events.push(e);
      emitter.emit(`${e.type}:${e.jobId}`, e);
    },
    next: (type: WorkerEvent["type"], jobId: string) =>
      events.find((e) => e.type === type && e.jobId === jobId) ?? once(emitter, `${type}:${jobId}`).then(([e]) => e as WorkerEvent),
  };
}

/** Behaviour every QueuePort adapter must have; run against each backend. */
export function queueContract(backend: string, makePort: () => QueuePort) {
  describe(`QueuePort contract (${backend})`, () => {
    let port: QueuePort;
    const handles: WorkerHandle[] = [];
    const work = (queue: string, processor: JobProcessor, events: ReturnType<typeof eventLog>, graceMs = 5_000, concurrency = 2) => {
      const h = port.work(queue, processor, { concurrency, graceMs, log, onEvent: events.onEvent });
      handles.push(h);
      return h;
    };

    beforeEach(() => {
      port = makePort();
    });
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((h) => h.close()));
      await port.close();
    });

    it("delivers a job's data to a worker and reports it completed", async () => {
      const events = eventLog();
      const seen: unknown[] = [];
      work("q", async (job) => {
        seen.push(job.data);
      }, events);
      const id = await port.add("q", "hello", { n: 1 });
      await events.next("completed", id);
      expect(seen).toEqual([{ n: 1 }]);
      expect((await port.counts("q")).completed).toBe(1);
      const [done] = await port.listJobs("q", "completed", 0, 0);
      expect(done).toMatchObject({ id, name: "hello", data: { n: 1 } });
      expect(done!.finishedAt).toBeGreaterThanOrEqual(done!.processedAt!);
    });

    it("treats a repeated deterministic job id as the same job", async () => {
      const a = await port.add("q", "x", { v: 1 }, { jobId: "order-42" });
      const b = await port.add("q", "x", { v: 2 }, { jobId: "order-42" });
      expect(a).toBe("order-42");
      expect(b).toBe("order-42");
      expect((await port.counts("q")).waiting).toBe(1);
      expect((await port.getJob("q", "order-42"))?.data).toEqual({ v: 1 });
    });

    it("rejects job ids containing ':'", async () => {
      await expect(port.add("q", "x", {}, { jobId: "a:b" })).rejects.toThrow(/no ':'/);
    });

    it("keeps a permanently failed job with its error, and retries it on request", async () => {
      const events = eventLog();
      let calls = 0;
      work("q", async () => {
        calls++;
        if (calls === 1) throw new PermanentJobError("bad input: sku missing");
      }, events);
      const id = await port.add("q", "x", {}, { attempts: 5 });
      const failed = await events.next("failed", id);
      expect(failed).toMatchObject({ type: "failed", final: true, error: "bad input: sku missing" });
      const [job] = await port.listJobs("q", "failed", 0, 10);
      expect(job).toMatchObject({ id, failedReason: "bad input: sku missing", attemptsMade: 1 });
      expect(job!.stacktrace.length).toBeGreaterThan(0);

      await port.retry("q", id);
      await events.next("completed", id);
      expect((await port.counts("q")).failed).toBe(0);
      expect(calls).toBe(2);
    });

    it("retries a failing job after a backoff, up to its attempts", async () => {
      const events = eventLog();
      const attempts: number[] = [];
      const times: number[] = [];
      work("q", async (_job, ctx) => {
        attempts.push(ctx.attempt);
        times.push(Date.now());
        if (ctx.attempt < 2) throw new Error("flaky upstream");
      }, events);
      const id = await port.add("q", "x", {}, { attempts: 3, backoffMs: 1_000 });
      await events.next("completed", id);
      expect(attempts).toEqual([1, 2]);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
      expect(events.events.filter((e) => e.type === "failed")).toMatchObject([{ jobId: id, final: false, error: "flaky upstream" }]);
    });

    it("holds a delayed job until its time", async () => {
      const events = eventLog();
      work("q", async () => {}, events);
      const addedAt = Date.now();
      const id = await port.add("q", "x", {}, { delayMs: 1_500 });
      expect((await port.counts("q")).delayed).toBe(1);
      await events.next("completed", id);
      expect(Date.now() - addedAt).toBeGreaterThanOrEqual(1_400);
    });

    it("runs higher-priority jobs first (1 is the highest) and no more at once than the concurrency", async () => {
      await port.pause("q");
      const ids = [];
      for (const priority of [3, 1, 2]) ids.push(await port.add("q", `p${priority}`, {}, { priority }));
      const events = eventLog();
      const order: string[] = [];
      let running = 0;
      let most = 0;
      work("q", async (job) => {
        most = Math.max(most, ++running);
        order.push(job.name);
        await new Promise((r) => setTimeout(r, 30));
        running--;
      }, events, 5_000, 1);
      await port.resume("q");
      await Promise.all(ids.map((id) => events.next("completed", id)));
      expect(order).toEqual(["p1", "p2", "p3"]);
      expect(most).toBe(1);
    });

    it("keeps schedules under their ids until unscheduled", async () => {
      await port.schedule("q", "sweep", { name: "requeue", data: { n: 1 }, everyMs: 60_000 });
      await port.schedule("q", "sweep", { name: "requeue", data: { n: 2 }, everyMs: 60_000 });
      expect(await port.schedules("q")).toEqual([{ id: "sweep", name: "requeue", everyMs: 60_000 }]);
      await port.unschedule("q", "sweep");
      expect(await port.schedules("q")).toEqual([]);
    });

    it("removes a job", async () => {
      const id = await port.add("q", "x", {});
      await port.remove("q", id);
      expect(await port.getJob("q", id)).toBeNull();
    });

    it("holds jobs while paused and runs them after resume", async () => {
      await port.pause("q");
      expect(await port.isPaused("q")).toBe(true);
      const events = eventLog();
      work("q", async () => {}, events);
      const id = await port.add("q", "x", {});
      expect((await port.counts("q")).waiting).toBe(1);
      await port.resume("q");
      expect(await port.isPaused("q")).toBe(false);
      await events.next("completed", id);
    });

    it("counts completions per minute", async () => {
      const events = eventLog();
      work("q", async () => {}, events);
      const ids = await port.addBulk("q", [1, 2, 3].map((n) => ({ name: "x", data: { n } })));
      await Promise.all(ids.map((id) => events.next("completed", id)));
      const series = await port.throughput("q", 5);
      expect(series.completed).toHaveLength(5);
      // The completions land in the current minute, or just before it when the minute turned meanwhile.
      expect(series.completed.at(-1)! + series.completed.at(-2)!).toBe(3);
    });

    it("on close, lets short jobs finish and releases long ones for another worker", async () => {
      const events = eventLog();
      let firstAttemptSignal: AbortSignal | undefined;
      const first = work("q", async (job, ctx) => {
        if (job.name === "short") return;
        firstAttemptSignal = ctx.signal;
        await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      }, events, 200);
      const longId = await port.add("q", "long", {});
      await events.next("active", longId);
      await first.close();
      expect(firstAttemptSignal?.aborted).toBe(true);
      await events.next("released", longId);
      expect((await port.counts("q")).waiting).toBe(1);

      const second = eventLog();
      work("q", async () => "done by second", second);
      await second.next("completed", longId);
      expect((await port.counts("q")).completed).toBe(1);
    });
  });
}
