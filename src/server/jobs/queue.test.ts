import { describe, expect, it } from "vitest";
import { AppError, MalformedDataError } from "../errors";
import { getLogger } from "../logger";
import { PermanentJobError, type QueuePort } from "../infra/queue/port";
import { createJobProducer, createQueueProcessor, InvalidJobPayloadError } from "./queue";

/** Records what reaches the port; the typed layer is what is under test. */
function recordingPort() {
  const added: { queue: string; name: string; data: unknown }[] = [];
  const port = {
    add: async (queue: string, name: string, data: unknown) => {
      added.push({ queue, name, data });
      return "1";
    },
    addBulk: async (queue: string, jobs: { name: string; data: unknown }[]) => {
      for (const j of jobs) added.push({ queue, name: j.name, data: j.data });
      return jobs.map((_, i) => String(i));
    },
  } as unknown as QueuePort;
  return { port, added };
}

const brandId = "11111111-1111-4111-8111-111111111111";
const ctx = { jobId: "1", attempt: 1, signal: new AbortController().signal, log: getLogger() };

describe("createJobProducer", () => {
  it("validates and applies defaults before the payload reaches the queue", async () => {
    const { port, added } = recordingPort();
    await createJobProducer(port).enqueue("analysis", "probe", { brandId, probeId: "p1" });
    expect(added).toEqual([{ queue: "analysis", name: "probe", data: { brandId, probeId: "p1", durationMs: 0, fail: false } }]);
  });

  it("refuses a bad payload naming the field, and enqueues nothing", async () => {
    const { port, added } = recordingPort();
    const jobs = createJobProducer(port);
    await expect(jobs.enqueue("analysis", "probe", { brandId: "not-a-uuid", probeId: "p1" })).rejects.toThrowError(
      new InvalidJobPayloadError("analysis", "probe", "brandId: Invalid UUID"),
    );
    await expect(
      jobs.enqueueMany("analysis", "probe", [{ payload: { brandId, probeId: "ok" } }, { payload: { brandId, probeId: "" } }]),
    ).rejects.toThrow(/probeId/);
    expect(added).toEqual([]);
  });
});

describe("createQueueProcessor", () => {
  it("hands the parsed payload to the job's handler", async () => {
    const seen: unknown[] = [];
    const processor = createQueueProcessor("analysis", { probe: async (payload) => seen.push(payload) });
    await processor({ id: "1", name: "probe", data: { brandId, probeId: "p", durationMs: 5 }, attemptsMade: 0 }, ctx);
    expect(seen).toEqual([{ brandId, probeId: "p", durationMs: 5, fail: false }]);
  });

  it("returns a result the queue can store as JSON: bigint ids as their digits", async () => {
    const processor = createQueueProcessor("analysis", { probe: async () => ({ orders: 1, fetched: [{ id: 820982911946154508n }] }) });
    const result = await processor({ id: "1", name: "probe", data: { brandId, probeId: "p1" }, attemptsMade: 0 }, ctx);
    expect(result).toEqual({ orders: 1, fetched: [{ id: "820982911946154508" }] });
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it("fails permanently on an unknown job or a payload that breaks its contract", async () => {
    const processor = createQueueProcessor("analysis", { probe: async () => "ran" });
    await expect(processor({ id: "1", name: "nope", data: {}, attemptsMade: 0 }, ctx)).rejects.toBeInstanceOf(PermanentJobError);
    await expect(processor({ id: "1", name: "probe", data: { brandId }, attemptsMade: 0 }, ctx)).rejects.toThrowError(
      /Invalid payload for analysis\/probe: probeId/,
    );
  });

  it("decides retry or permanent failure from the handler's error, not from its message", async () => {
    const failWith = (err: Error) => createQueueProcessor("analysis", { probe: async () => Promise.reject(err) });
    const job = { id: "1", name: "probe", data: { brandId, probeId: "p" }, attemptsMade: 0 };
    // Domain errors retrying cannot fix: permanent, with the service's message and the error as cause.
    const notConnected = new AppError("CONFLICT", "demo.myshopify.com is uninstalled");
    await expect(failWith(notConnected)(job, ctx)).rejects.toMatchObject({ name: "PermanentJobError", message: notConnected.message, cause: notConnected });
    await expect(failWith(new MalformedDataError("orders/create body: currency Required"))(job, ctx)).rejects.toBeInstanceOf(PermanentJobError);
    // A domain error that says "later", and anything else (a database error): thrown as is, so the queue retries.
    const later = new AppError("CONFLICT", "another bulk operation is running", { retryable: true });
    await expect(failWith(later)(job, ctx)).rejects.toBe(later);
    await expect(failWith(new AppError("SERVICE_UNAVAILABLE", "try later"))(job, ctx)).rejects.not.toBeInstanceOf(PermanentJobError);
    const dbError = Object.assign(new Error("connection terminated"), { code: "57P01" });
    await expect(failWith(dbError)(job, ctx)).rejects.toBe(dbError);
  });
});
