import { describe, expect, it } from "vitest";
import type { PubSubPort } from "../infra/pubsub/port";
import { getEnv } from "../env";
import { liveSnapshots } from "./live";

/** A synchronous in-process channel: enough to drive the generator's timing. */
function localPubSub() {
  const subs = new Map<string, Set<(m: unknown) => void>>();
  const port: PubSubPort = {
    backend: "redis",
    async publish(channel, message) {
      for (const fn of subs.get(channel) ?? []) fn(message);
    },
    async subscribe(channel, fn) {
      const set = subs.get(channel) ?? new Set();
      subs.set(channel, set);
      set.add(fn);
      return async () => void set.delete(fn);
    },
    async close() {},
  };
  return { port, subscribers: (channel: string) => subs.get(channel)?.size ?? 0 };
}

describe("liveSnapshots", () => {
  it("subscribes before the first snapshot, yields on change, and unsubscribes when closed", async () => {
    const { port, subscribers } = localPubSub();
    let version = 0;
    const controller = new AbortController();
    const stream = liveSnapshots({
      pubsub: port,
      channel: "c",
      snapshot: async () => {
        // Something published while the snapshot is taken must still lead to another snapshot.
        if (version === 0) await port.publish("c", "changed during snapshot");
        return ++version;
      },
      signal: controller.signal,
      minIntervalMs: 10,
      heartbeatMs: 60_000,
      userId: "u-1",
    });
    const first = await stream.next();
    expect(subscribers("c")).toBe(1);
    expect((first.value as unknown as [string, number])[1]).toBe(1);

    const second = stream.next();
    expect(((await second).value as unknown as [string, number])[1]).toBe(2);

    const third = stream.next();
    setTimeout(() => void port.publish("c", "later"), 20);
    expect(((await third).value as unknown as [string, number])[1]).toBe(3);

    controller.abort();
    await stream.return(undefined);
    expect(subscribers("c")).toBe(0);
  });

  it("caps the live views one user holds open, and frees a slot when one closes", async () => {
    const { port, subscribers } = localPubSub();
    const limit = getEnv().LIVE_SUBSCRIPTIONS_PER_USER;
    const open = (userId: string) => {
      const stream = liveSnapshots({ pubsub: port, channel: "cap", snapshot: async () => 1, signal: undefined, heartbeatMs: 60_000, userId });
      return { stream, first: stream.next() };
    };
    const held = Array.from({ length: limit }, () => open("busy-user"));
    await Promise.all(held.map((h) => h.first));
    expect(subscribers("cap")).toBe(limit);

    const refused = open("busy-user");
    await expect(refused.first).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(subscribers("cap")).toBe(limit);
    // Another user is not affected.
    const other = open("other-user");
    await expect(other.first).resolves.toMatchObject({ done: false });

    await held[0]!.stream.return(undefined);
    const again = open("busy-user");
    await expect(again.first).resolves.toMatchObject({ done: false });
    for (const s of [...held.slice(1), other, again]) await s.stream.return(undefined);
    expect(subscribers("cap")).toBe(0);
  });
});
