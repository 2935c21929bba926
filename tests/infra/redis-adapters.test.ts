import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { createRedisCache } from "~/server/infra/cache/redis";
import { createRedisLock } from "~/server/infra/lock/redis";
import { createRedisPubSub } from "~/server/infra/pubsub/redis";
import { createRedisQueue } from "~/server/infra/queue/redis";
import { createRedisRateLimit } from "~/server/infra/rate-limit/redis";
import { eventually, servicesReady, uniquePrefix } from "../helpers/context";
import { cacheContract } from "./contracts/cache.contract";
import { lockContract } from "./contracts/lock.contract";
import { pubsubContract } from "./contracts/pubsub.contract";
import { queueContract } from "./contracts/queue.contract";
import { rateLimitContract } from "./contracts/rate-limit.contract";

describe.skipIf(!servicesReady)("Redis adapters", () => {
  const url = inject("redisUrl");
  // One prefix per suite run keeps runs apart; each factory call inside a test shares it so
  // two instances see each other's state, as two processes would.
  let prefix = uniquePrefix("infra");
  const fresh = () => (prefix = uniquePrefix("infra"));

  queueContract("redis", () => createRedisQueue({ url, prefix: fresh() }));
  pubsubContract("redis", () => createRedisPubSub({ url, prefix }));
  cacheContract("redis", () => createRedisCache({ url, prefix: fresh() }));
  lockContract("redis", () => createRedisLock({ url, prefix }));
  rateLimitContract("redis", () => createRedisRateLimit({ url, prefix }));

  it("tells a subscriber when its connection is back after a cut, and goes on delivering", async () => {
    const own = uniquePrefix("resume");
    const pubsub = createRedisPubSub({ url, prefix: own });
    const admin = new Redis(url, { lazyConnect: true });
    try {
      const heard: unknown[] = [];
      const resumed: number[] = [];
      await pubsub.subscribe("probe", (m) => heard.push(m), { onResume: () => resumed.push(Date.now()) });
      await admin.connect();
      // The subscriber connection is named after the prefix (createRedis): cut it (only it) as a Redis restart would.
      const clients = String(await admin.call("CLIENT", "LIST")).split("\n");
      const mine = clients.find((line) => line.includes(` name=${own}:subscriber `));
      const id = / id=(\d+) /.exec(` ${mine ?? ""}`)?.[1];
      expect(id).toBeDefined();
      expect(await admin.call("CLIENT", "KILL", "ID", id!)).toBe(1);
      await eventually(async () => resumed.length > 0, { timeoutMs: 10_000, label: "the subscription resumed" });
      await eventually(
        async () => {
          await pubsub.publish("probe", "after");
          return heard.includes("after");
        },
        { timeoutMs: 10_000, label: "a message after the cut" },
      );
    } finally {
      await pubsub.close();
      admin.disconnect();
    }
  });
});
