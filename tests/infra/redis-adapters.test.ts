import { describe } from "vitest";
import { inject } from "vitest";
import { createRedisCache } from "~/server/infra/cache/redis";
import { createRedisLock } from "~/server/infra/lock/redis";
import { createRedisPubSub } from "~/server/infra/pubsub/redis";
import { createRedisQueue } from "~/server/infra/queue/redis";
import { createRedisRateLimit } from "~/server/infra/rate-limit/redis";
import { servicesReady, uniquePrefix } from "../helpers/context";
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
});
