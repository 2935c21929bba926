import postgres from "postgres";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createDb } from "~/server/db/client";
import { createMemoryCache } from "~/server/infra/cache/memory";
import type { CachePort } from "~/server/infra/cache/port";
import { createPostgresPubSub } from "~/server/infra/pubsub/postgres";
import { eventually, servicesReady, uniquePrefix } from "../helpers/context";

describe.skipIf(!servicesReady)("the memory cache on Postgres pub/sub", () => {
  const url = inject("databaseUrl");
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    // Caches first, then their pub/sub, then the pools under them.
    for (const c of open.splice(0)) await c.close();
  });

  /** What one process holds: its own pool, pub/sub and memory cache. */
  function processCache(prefix: string, pgUrl = url): CachePort {
    const { sql } = createDb(pgUrl, { max: 2 });
    const pubsub = createPostgresPubSub({ sql, prefix });
    const cache = createMemoryCache(pubsub, { onError: () => {} });
    open.push(cache, pubsub, { close: () => sql.end({ timeout: 5 }) });
    return cache;
  }

  it("drops every process's copy when one process deletes the key or its prefix", async () => {
    const prefix = uniquePrefix("memory");
    const web = processCache(prefix);
    const worker = processCache(prefix);
    await web.set("c360:b1:1", { net: "10.00" }, 300);
    await worker.set("c360:b1:1", { net: "10.00" }, 300);
    expect(await web.get("c360:b1:1")).toEqual({ net: "10.00" });

    // The worker deletes (a profile changed): the web process stops answering with its copy.
    await worker.delete("c360:b1:1");
    expect(await worker.get("c360:b1:1")).toBeUndefined();
    await eventually(async () => (await web.get("c360:b1:1")) === undefined, { timeoutMs: 2_000, label: "the delete heard" });

    await web.set("c360:b1:2", 2, 300);
    await web.set("c360:b2:1", 3, 300);
    await worker.set("c360:b1:3", 4, 300);
    // What the deleting process itself removed.
    expect(await worker.deletePrefix("c360:b1:")).toBe(1);
    await eventually(async () => (await web.get("c360:b1:2")) === undefined, { timeoutMs: 2_000, label: "the prefix heard" });
    expect(await web.get("c360:b2:1")).toBe(3);
  });

  it("keeps and serves nothing while it cannot hear other processes' deletes", async () => {
    // Nothing listens on port 1: the pub/sub is unreachable, as in a Postgres outage.
    const deaf = processCache(uniquePrefix("memory"), "postgres://postgres@127.0.0.1:1/none");
    await deaf.set("c360:b1:1", { net: "10.00" }, 300);
    expect(await deaf.get("c360:b1:1")).toBeUndefined();
  });
  it("forgets everything it holds when its listening connection comes back (deletes announced meanwhile were missed)", async () => {
    const prefix = uniquePrefix("memory");
    const appName = `resume-${prefix}`;
    // A pool whose connections this test can find and cut, as a Postgres restart or a network cut would.
    const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: appName } });
    const pubsub = createPostgresPubSub({ sql, prefix });
    const resumed: number[] = [];
    const unsubscribe = await pubsub.subscribe("probe", () => {}, { onResume: () => resumed.push(Date.now()) });
    const cache = createMemoryCache(pubsub, { onError: () => {} });
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    open.push({ close: unsubscribe }, cache, pubsub, { close: () => sql.end({ timeout: 5 }) }, { close: () => admin.end({ timeout: 5 }) });
    await cache.set("c360:b1:1", { net: "10.00" }, 300);
    expect(await cache.get("c360:b1:1")).toEqual({ net: "10.00" });

    const cut = await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${appName} and query ilike 'listen %'`;
    expect(cut.length).toBeGreaterThan(0);
    // postgres.js listens again; the subscription says so, and the cache no longer answers from what it held.
    await eventually(async () => resumed.length > 0, { timeoutMs: 10_000, label: "the subscription resumed" });
    await eventually(async () => (await cache.get("c360:b1:1")) === undefined, { timeoutMs: 10_000, label: "the copy dropped" });
    // And it keeps working: values set after the gap are kept and told of deletes again.
    await cache.set("c360:b1:2", 2, 300);
    expect(await cache.get("c360:b1:2")).toBe(2);
  });
});
