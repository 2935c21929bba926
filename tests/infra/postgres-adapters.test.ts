import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb, type Sql } from "~/server/db/client";
import { createMemoryCache } from "~/server/infra/cache/memory";
import { createPostgresLock } from "~/server/infra/lock/postgres";
import { createPostgresPubSub } from "~/server/infra/pubsub/postgres";
import { createPostgresQueue } from "~/server/infra/queue/postgres";
import { createPostgresRateLimit } from "~/server/infra/rate-limit/postgres";
import { servicesReady, uniquePrefix } from "../helpers/context";
import { cacheContract } from "./contracts/cache.contract";
import { lockContract } from "./contracts/lock.contract";
import { pubsubContract } from "./contracts/pubsub.contract";
import { queueContract } from "./contracts/queue.contract";
import { rateLimitContract } from "./contracts/rate-limit.contract";

describe.skipIf(!servicesReady)("Postgres adapters", () => {
  const url = inject("databaseUrl");
  // One prefix per suite run keeps runs apart; each factory call inside a test shares it so
  // two instances see each other's state, as two processes would.
  let prefix = uniquePrefix("infra");
  const fresh = () => (prefix = uniquePrefix("infra"));

  const admin = createDb(url, { max: 1 }).sql;
  afterAll(() => admin.end({ timeout: 5 }));

  /** A port on a pool of its own, as each process has; the pool ends with the port. */
  function onOwnPool<T extends { close(): Promise<void> }>(make: (sql: Sql) => T): () => T {
    return () => {
      const { sql } = createDb(url, { max: 2 });
      const port = make(sql);
      return { ...port, close: async () => (await port.close(), await sql.end({ timeout: 5 })) };
    };
  }

  queueContract("postgres (pg-boss)", () => createPostgresQueue({ url, prefix: fresh() }));
  pubsubContract("postgres", onOwnPool((sql) => createPostgresPubSub({ sql, prefix })));
  cacheContract(
    "memory, on postgres pub/sub",
    onOwnPool((sql) => {
      const pubsub = createPostgresPubSub({ sql, prefix: fresh() });
      const cache = createMemoryCache(pubsub);
      return { ...cache, close: async () => (await cache.close(), await pubsub.close()) };
    }),
  );
  lockContract("postgres", onOwnPool((sql) => createPostgresLock({ sql, prefix })));
  rateLimitContract("postgres", onOwnPool((sql) => createPostgresRateLimit({ sql, prefix })));

  it("keeps long, mixed-case channel names apart (Postgres folds and cuts identifiers)", async () => {
    const pubsub = onOwnPool((sql) => createPostgresPubSub({ sql, prefix: fresh() }))();
    try {
      const long = `brand:${"A".repeat(200)}:Sync`;
      const heard: unknown[] = [];
      await pubsub.subscribe(long.toLowerCase(), (m) => heard.push(m));
      let resolve!: (m: unknown) => void;
      const message = new Promise((r) => (resolve = r));
      await pubsub.subscribe(long, resolve);
      await pubsub.publish(long, "to the mixed-case one");
      expect(await message).toBe("to the mixed-case one");
      expect(heard).toEqual([]);
    } finally {
      await pubsub.close();
    }
  });

  it("frees a lock whose holder's connection is terminated, as when its process is killed", async () => {
    const lockPrefix = uniquePrefix("lock");
    const holder = onOwnPool((sql) => createPostgresLock({ sql, prefix: lockPrefix }))();
    const other = onOwnPool((sql) => createPostgresLock({ sql, prefix: lockPrefix }))();
    try {
      const held = await holder.tryAcquire("merge:k", 60_000);
      expect(held).not.toBeNull();
      expect(await other.tryAcquire("merge:k", 60_000)).toBeNull();

      // The backend holding the advisory lock (keyed as the adapter keys it), ended as a crash would end it.
      const ended = await admin<{ ended: boolean }[]>`
        select pg_terminate_backend(pid, 5000) as ended from pg_locks
        where locktype = 'advisory' and granted and objsubid = 1
          and ((classid::int8 << 32) | objid::int8) = hashtextextended(${`${lockPrefix}:lock:merge:k`}, 0)`;
      expect(ended).toEqual([{ ended: true }]);

      const next = await other.tryAcquire("merge:k", 60_000);
      expect(next).not.toBeNull();
      // The old holder learns it lost the lock, and cannot take the new holder's.
      expect(await held!.extend(60_000)).toBe(false);
      await held!.release();
      expect(await holder.tryAcquire("merge:k", 60_000)).toBeNull();
      await next!.release();
      // Its connection came back: it can hold locks again.
      const again = await holder.tryAcquire("merge:k", 60_000);
      expect(again).not.toBeNull();
      await again!.release();
    } finally {
      await holder.close();
      await other.close();
    }
  });
});
