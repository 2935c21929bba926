import { describe, expect, it } from "vitest";
import { correctTimestamp, MAX_EVENT_BYTES, parseCall } from "./messages";

const receivedAt = new Date("2026-11-30T12:00:00.000Z");
const parse = (call: Parameters<typeof parseCall>[0], body: unknown) => parseCall(call, body, { receivedAt, bytes: JSON.stringify(body ?? null).length });

describe("Segment messages", () => {
  it("corrects the client's clock as Segment does", () => {
    // The client is 5 minutes fast: it stamped the event 10 s before it sent it.
    expect(correctTimestamp({ timestamp: "2026-11-30T12:04:50Z", sentAt: "2026-11-30T12:05:00Z", receivedAt }).toISOString()).toBe("2026-11-30T11:59:50.000Z");
    expect(correctTimestamp({ timestamp: "2026-11-01T00:00:00Z", receivedAt }).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(correctTimestamp({ receivedAt })).toBe(receivedAt);
  });

  it("keeps the message as sent, with the server's fields added and the write key left out", () => {
    const r = parse("track", { userId: 42, event: "Bought", properties: { total: 9.5 }, writeKey: "secret", timestamp: "2026-11-30T11:00:00Z" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [e] = r.events;
    expect(e).toMatchObject({ type: "track", name: "Bought", userId: "42", anonymousId: null, timestamp: new Date("2026-11-30T11:00:00Z") });
    expect(e!.messageId).toMatch(/^bb-/);
    expect(e!.payload).toMatchObject({ type: "track", properties: { total: 9.5 }, originalTimestamp: "2026-11-30T11:00:00Z", receivedAt: receivedAt.toISOString() });
    expect(e!.payload).not.toHaveProperty("writeKey");
  });

  it("applies a batch's context and sentAt to its messages, and keeps one of a repeated messageId", () => {
    const r = parse("batch", {
      sentAt: "2026-11-30T12:00:10Z",
      context: { library: { name: "analytics-node" } },
      batch: [
        { type: "identify", userId: "u", messageId: "m1", timestamp: "2026-11-30T12:00:05Z", traits: { plan: "pro" } },
        { type: "page", anonymousId: "a", messageId: "m1", name: "Home" },
        { type: "alias", userId: "u", previousId: "a", messageId: "m2" },
      ],
    });
    expect(r.ok && r.events.map((e) => [e.type, e.messageId])).toEqual([
      ["identify", "m1"],
      ["alias", "m2"],
    ]);
    if (!r.ok) return;
    expect(r.events[0]!.timestamp.toISOString()).toBe("2026-11-30T11:59:55.000Z");
    expect(r.events[0]!.payload.context).toEqual({ library: { name: "analytics-node" } });
  });

  it("names every bad field, with its index in a batch", () => {
    expect(parse("identify", { traits: [] })).toMatchObject({ ok: false, status: 400, fields: { traits: "must be an object" } });
    expect(parse("group", { userId: "u" })).toMatchObject({ ok: false, fields: { groupId: expect.any(String) } });
    expect(parse("alias", { userId: "u" })).toMatchObject({ ok: false, fields: { previousId: expect.any(String) } });
    expect(parse("batch", { batch: [{ type: "track", anonymousId: "a", event: "" }, { type: "page" }] })).toMatchObject({
      ok: false,
      fields: { "batch.0.event": "is required for a track call", "batch.1.userId": "userId or anonymousId is required" },
    });
    expect(parse("batch", { batch: [] })).toMatchObject({ ok: false, fields: { batch: "must hold at least one message" } });
    expect(parse("track", "text")).toMatchObject({ ok: false, fields: { body: "must be a JSON object" } });
  });

  it("refuses an event over 32 KB and a batch over 500 KB with 413", () => {
    expect(parseCall("track", {}, { receivedAt, bytes: MAX_EVENT_BYTES + 1 })).toMatchObject({ ok: false, status: 413 });
    expect(parseCall("batch", { batch: [] }, { receivedAt, bytes: 500 * 1024 + 1 })).toMatchObject({ ok: false, status: 413 });
  });
});
