import { describe, expect, it } from "vitest";
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

  it("fails permanently on an unknown job or a payload that breaks its contract", async () => {
    const processor = createQueueProcessor("analysis", { probe: async () => "ran" });
    await expect(processor({ id: "1", name: "nope", data: {}, attemptsMade: 0 }, ctx)).rejects.toBeInstanceOf(PermanentJobError);
    await expect(processor({ id: "1", name: "probe", data: { brandId }, attemptsMade: 0 }, ctx)).rejects.toThrowError(
      /Invalid payload for analysis\/probe: probeId/,
    );
  });
});
