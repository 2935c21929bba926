import type { Redis } from "ioredis";
import { createRedis, quitRedis } from "../redis";
import type { PubSubPort } from "./port";

/** Redis pub/sub: one shared subscriber connection per process, channels ref-counted. */
export function createRedisPubSub(options: { url: string; prefix: string; connection?: Redis }): PubSubPort {
  const publisher = options.connection ?? createRedis(options.url, "command", `${options.prefix}:publisher`);
  const ownsPublisher = !options.connection;
  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<(message: unknown) => void>>();
  const resumers = new Set<() => void>();
  const key = (channel: string) => `${options.prefix}:ps:${channel}`;

  function subscriberConnection(): Redis {
    if (subscriber) return subscriber;
    subscriber = createRedis(options.url, "subscriber", `${options.prefix}:subscriber`);
    subscriber.on("error", () => {});
    // ioredis subscribes again by itself after a reconnect; what was published meanwhile was missed.
    let readies = 0;
    subscriber.on("ready", () => {
      if (++readies > 1) for (const resume of resumers) resume();
    });
    subscriber.on("message", (channel: string, raw: string) => {
      const set = handlers.get(channel);
      if (!set) return;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      for (const handler of set) handler(message);
    });
    return subscriber;
  }

  return {
    backend: "redis",
    async publish(channel, message) {
      await publisher.publish(key(channel), JSON.stringify(message));
    },
    async subscribe(channel, onMessage, opts) {
      const k = key(channel);
      const resume = opts?.onResume;
      let set = handlers.get(k);
      if (!set) {
        set = new Set();
        handlers.set(k, set);
        await subscriberConnection().subscribe(k);
      }
      set.add(onMessage);
      if (resume) resumers.add(resume);
      return async () => {
        if (resume) resumers.delete(resume);
        const current = handlers.get(k);
        if (!current) return;
        current.delete(onMessage);
        if (current.size === 0) {
          handlers.delete(k);
          await subscriber?.unsubscribe(k).catch(() => {});
        }
      };
    },
    async close() {
      handlers.clear();
      if (subscriber) await quitRedis(subscriber);
      subscriber = undefined;
      if (ownsPublisher) await quitRedis(publisher);
    },
  };
}
