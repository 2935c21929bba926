import { afterEach, describe, expect, inject, it } from "vitest";
import { withNearCache } from "~/server/infra/cache/near";
import type { CachePort } from "~/server/infra/cache/port";
import { createRedisCache } from "~/server/infra/cache/redis";
import type { PubSubPort } from "~/server/infra/pubsub/port";
import { createRedisPubSub } from "~/server/infra/pubsub/redis";
import { eventually, servicesReady, uniquePrefix } from "../helpers/context";
import { cacheContract } from "./contracts/cache.contract";

describe.skipIf(!servicesReady)("the near cache in front of Redis", () => {
  const url = inject("redisUrl");
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  /** What one process holds: its own Redis connections, its near cache over the shared keys. */
  function processCache(prefix: string): { cache: CachePort; remote: CachePort; pubsub: PubSubPort } {
    const remote = createRedisCache({ url, prefix });
    const pubsub = createRedisPubSub({ url, prefix });
    const cache = withNearCache(remote, pubsub);
    open.push(cache, pubsub);
    return { cache, remote, pubsub };
  }

  cacheContract("redis, near", () => {
    const prefix = uniquePrefix("near");
    const pubsub = createRedisPubSub({ url, prefix });
    const cache = withNearCache(createRedisCache({ url, prefix }), pubsub);
    return { ...cache, close: async () => (await cache.close(), await pubsub.close()) };
  });

  it("answers a hit from the process's memory and drops it when any process deletes the key or its prefix", async () => {
    const prefix = uniquePrefix("near");
    const web = processCache(prefix);
    const worker = processCache(prefix);
    await web.cache.get("warm-up");
    await eventually(async () => {
      await web.cache.set("c360:b1:1", { net: "10.00" }, 300);
      // Changed behind the near cache's back: the web process still answers from its copy, once it listens.
      await web.remote.set("c360:b1:1", { net: "99.00" }, 300);
      return ((await web.cache.get<{ net: string }>("c360:b1:1"))?.net === "10.00");
    }, { timeoutMs: 2_000, label: "the web process answering from memory" });

    // The worker deletes (a profile changed): the web process's next read goes to Redis.
    await worker.cache.delete("c360:b1:1");
    await eventually(async () => (await web.cache.get("c360:b1:1")) === undefined, { timeoutMs: 2_000, label: "the delete heard" });

    await web.cache.set("c360:b1:2", 2, 300);
    await web.cache.set("c360:b2:1", 3, 300);
    expect(await worker.cache.deletePrefix("c360:b1:")).toBe(1);
    await eventually(async () => (await web.cache.get("c360:b1:2")) === undefined, { timeoutMs: 2_000, label: "the prefix heard" });
    expect(await web.cache.get("c360:b2:1")).toBe(3);

    // Each read is a copy of its own: changing what one caller got changes nothing for the next.
    const got = (await web.cache.get<{ n: number }>("obj")) ?? { n: 0 };
    await web.cache.set("obj", { n: 1 }, 300);
    const first = (await web.cache.get<{ n: number }>("obj"))!;
    first.n = 42;
    expect(await web.cache.get("obj")).toEqual({ n: 1 });
    expect(got).toEqual({ n: 0 });
  });

  it("gathers a tick's deletes into few announcements", async () => {
    const prefix = uniquePrefix("near");
    const worker = processCache(prefix);
    const listener = createRedisPubSub({ url, prefix });
    open.push(listener);
    const heard: unknown[] = [];
    await listener.subscribe("cache:changes", (m) => heard.push(m));
    await Promise.all(Array.from({ length: 500 }, (_, i) => worker.cache.delete(`c360:b1:${i}`)));
    // Resolved: so already published (and heard on the same server right after).
    const keys = () => heard.flatMap((m) => (m as { keys: string[] }).keys);
    await eventually(async () => keys().length === 500, { timeoutMs: 2_000, label: "every key announced" });
    expect(heard.length).toBeLessThanOrEqual(5);
  });
});
