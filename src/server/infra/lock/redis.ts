import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { createRedis, quitRedis } from "../redis";
import { type Lock, type LockPort, runLocked } from "./port";

// Compare-and-delete / compare-and-extend so a holder whose lease expired cannot touch a new holder's lock.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export function createRedisLock(options: { url: string; prefix: string; connection?: Redis }): LockPort {
  const redis = options.connection ?? createRedis(options.url, "command", `${options.prefix}:lock`);
  const owns = !options.connection;
  const key = (k: string) => `${options.prefix}:lock:${k}`;

  const port: LockPort = {
    backend: "redis",
    async tryAcquire(k, ttlMs) {
      const token = randomUUID();
      const ok = await redis.set(key(k), token, "PX", ttlMs, "NX");
      if (ok !== "OK") return null;
      const lock: Lock = {
        key: k,
        extend: async (ms) => (await redis.eval(EXTEND, 1, key(k), token, String(ms))) === 1,
        release: async () => {
          await redis.eval(RELEASE, 1, key(k), token);
        },
      };
      return lock;
    },
    withLock: (k, opts, fn) => runLocked(port, k, opts, fn),
    async close() {
      if (owns) await quitRedis(redis);
    },
  };
  return port;
}
