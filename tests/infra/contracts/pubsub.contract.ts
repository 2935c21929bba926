import { describe, expect, it } from "vitest";
import { usePair } from "./pair";
import type { PubSubPort } from "~/server/infra/pubsub/port";

function nextMessage(port: PubSubPort, channel: string): Promise<{ message: Promise<unknown>; unsubscribe: () => Promise<void> }> {
  let resolve!: (m: unknown) => void;
  const message = new Promise<unknown>((r) => (resolve = r));
  return port.subscribe(channel, resolve).then((unsubscribe) => ({ message, unsubscribe }));
}

export function pubsubContract(backend: string, makePort: () => PubSubPort) {
  describe(`PubSubPort contract (${backend})`, () => {
    const ports = usePair(makePort);

    it("delivers a message to every subscriber, across connections", async () => {
      const first = await nextMessage(ports.a, "brand:1:sync");
      const second = await nextMessage(ports.b, "brand:1:sync");
      await ports.a.publish("brand:1:sync", { step: "staging", n: 10 });
      expect(await first.message).toEqual({ step: "staging", n: 10 });
      expect(await second.message).toEqual({ step: "staging", n: 10 });
    });

    it("does not deliver other channels' messages, nor after unsubscribe", async () => {
      const received: unknown[] = [];
      const unsubscribe = await ports.b.subscribe("brand:2:x", (m) => received.push(m));
      const probe = await nextMessage(ports.b, "brand:2:y");
      await ports.a.publish("brand:2:y", "other channel");
      await probe.message;
      expect(received).toEqual([]);

      const marker = await nextMessage(ports.b, "brand:2:x");
      await unsubscribe();
      await ports.a.publish("brand:2:x", "after unsubscribe");
      // The remaining subscriber on the same channel still gets it; the removed one does not.
      expect(await marker.message).toBe("after unsubscribe");
      expect(received).toEqual([]);
    });

    it("delivers messages larger than Postgres's 8000-byte NOTIFY limit intact, in publish order with small ones", async () => {
      const big = (n: number) => ({ n, text: "x".repeat(20_000), unicode: "é€😀".repeat(500) });
      const received: unknown[] = [];
      let resolve!: () => void;
      const all = new Promise<void>((r) => (resolve = r));
      await ports.b.subscribe("brand:3:big", (m) => {
        received.push(m);
        if (received.length === 4) resolve();
      });
      await ports.a.publish("brand:3:big", big(1));
      await ports.a.publish("brand:3:big", { n: 2 });
      await ports.a.publish("brand:3:big", big(3));
      await ports.a.publish("brand:3:big", { n: 4 });
      await all;
      expect(received).toEqual([big(1), { n: 2 }, big(3), { n: 4 }]);
    });
  });
}
