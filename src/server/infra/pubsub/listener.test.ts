import { afterEach, describe, expect, it, vi } from "vitest";
import { createListener } from "./listener";
import type { PubSubPort } from "./port";

/** A pub/sub whose subscribe fails while `down` is set, counting attempts. */
function flakyPubSub() {
  const state = { down: true, attempts: 0, unsubscribed: 0, handler: undefined as ((m: unknown) => void) | undefined };
  const pubsub: PubSubPort = {
    backend: "postgres",
    async publish(_channel, message) {
      state.handler?.(message);
    },
    async subscribe(_channel, onMessage) {
      state.attempts++;
      if (state.down) throw new Error("connection refused");
      state.handler = onMessage;
      return async () => void state.unsubscribed++;
    },
    async close() {},
  };
  return { state, pubsub };
}

describe("a listener started on first need", () => {
  afterEach(() => vi.useRealTimers());

  it("is not listening while the backend refuses, retries at most every retryMs, then hears messages", async () => {
    vi.useFakeTimers();
    const { state, pubsub } = flakyPubSub();
    const heard: unknown[] = [];
    const errors: unknown[] = [];
    const listener = createListener(pubsub, "c", (m) => heard.push(m), { retryMs: 5_000, onError: (e) => errors.push(e) });
    expect(state.attempts).toBe(0);
    expect(await listener.ready()).toBe(false);
    expect(listener.listening()).toBe(false);
    expect(state.attempts).toBe(1);
    expect(errors).toHaveLength(1);

    state.down = false;
    vi.advanceTimersByTime(4_000);
    expect(await listener.ready()).toBe(false);
    expect(state.attempts).toBe(1);
    vi.advanceTimersByTime(1_001);
    expect(await listener.ready()).toBe(true);
    expect(listener.listening()).toBe(true);
    expect(state.attempts).toBe(2);

    await pubsub.publish("c", { n: 1 });
    expect(heard).toEqual([{ n: 1 }]);
    await listener.close();
    expect(state.unsubscribed).toBe(1);
  });
});
