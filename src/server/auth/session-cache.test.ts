import { describe, expect, it } from "vitest";
import type { PubSubPort } from "../infra/pubsub/port";
import { announceSessionChange, createSessionCache, listenForSessionChanges } from "./session-cache";

const HOUR = 3_600_000;
type User = { id: string; admin: boolean };

/** A clock the test moves, and a loader that counts its calls and answers what the "database" says now. */
function setup(options: { ttlMs?: number } = {}) {
  let time = 1_000_000;
  const db = new Map<string, { user: User; expiresAt: Date }>();
  let loads = 0;
  const cache = createSessionCache<User>({ ttlMs: options.ttlMs ?? 30_000, now: () => time });
  const load = (cookies: string) => async () => {
    loads++;
    const row = db.get(cookies);
    return row && row.expiresAt.getTime() > time ? { user: row.user, userId: row.user.id, expiresAt: row.expiresAt } : null;
  };
  return {
    cache,
    db,
    resolve: (cookies: string | null) => cache.resolve(cookies, load(cookies ?? "")),
    loads: () => loads,
    advance: (ms: number) => (time += ms),
    now: () => time,
  };
}

/** Pub/sub between "processes" in one test: every subscriber of a channel hears every publish. */
function memoryPubSub(): PubSubPort {
  const subscribers = new Map<string, Set<(m: unknown) => void>>();
  return {
    backend: "postgres",
    async publish(channel, message) {
      for (const handler of subscribers.get(channel) ?? []) handler(structuredClone(message));
    },
    async subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, set.add(onMessage));
      return async () => void set.delete(onMessage);
    },
    async close() {},
  };
}

describe("the session cache", () => {
  it("answers a known cookie from memory and asks again after its lifetime", async () => {
    const s = setup();
    s.db.set("a", { user: { id: "u1", admin: false }, expiresAt: new Date(s.now() + HOUR) });
    expect(await s.resolve("a")).toEqual({ id: "u1", admin: false });
    expect(await s.resolve("a")).toEqual({ id: "u1", admin: false });
    expect(s.loads()).toBe(1);
    s.advance(30_001);
    expect(await s.resolve("a")).toEqual({ id: "u1", admin: false });
    expect(s.loads()).toBe(2);
  });

  it("never serves a session past its own expiry, nor remembers a refusal or a request without cookies", async () => {
    const s = setup({ ttlMs: HOUR });
    s.db.set("short", { user: { id: "u1", admin: false }, expiresAt: new Date(s.now() + 5_000) });
    expect(await s.resolve("short")).toEqual({ id: "u1", admin: false });
    s.advance(5_001);
    expect(await s.resolve("short")).toBeNull();
    expect(await s.resolve("unknown")).toBeNull();
    s.db.set("unknown", { user: { id: "u2", admin: false }, expiresAt: new Date(s.now() + HOUR) });
    expect(await s.resolve("unknown")).toEqual({ id: "u2", admin: false });
    expect(await s.resolve(null)).toBeNull();
    expect(await s.resolve(null)).toBeNull();
    expect(s.loads()).toBe(6);
  });

  it("forgets every entry of a user told of a change, and only theirs", async () => {
    const s = setup();
    const expiresAt = new Date(s.now() + HOUR);
    s.db.set("laptop", { user: { id: "u1", admin: false }, expiresAt });
    s.db.set("phone", { user: { id: "u1", admin: false }, expiresAt });
    s.db.set("other", { user: { id: "u2", admin: false }, expiresAt });
    for (const c of ["laptop", "phone", "other"]) await s.resolve(c);
    expect(s.cache.size).toBe(3);
    s.db.set("laptop", { user: { id: "u1", admin: true }, expiresAt });
    s.db.delete("phone");
    s.cache.forgetUser("u1");
    expect(s.cache.size).toBe(1);
    expect(await s.resolve("laptop")).toEqual({ id: "u1", admin: true });
    expect(await s.resolve("phone")).toBeNull();
    expect(await s.resolve("other")).toEqual({ id: "u2", admin: false });
    expect(s.loads()).toBe(5);
  });

  it("does not remember a lookup that was in flight when a change was announced", async () => {
    const cache = createSessionCache<User>();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let loads = 0;
    const stale = async () => {
      loads++;
      await held;
      return { user: { id: "u1", admin: false }, userId: "u1", expiresAt: new Date(Date.now() + HOUR) };
    };
    const inFlight = cache.resolve("a", stale);
    cache.forgetUser("u1");
    release();
    expect(await inFlight).toEqual({ id: "u1", admin: false });
    expect(cache.size).toBe(0);
    await cache.resolve("a", stale);
    expect(loads).toBe(2);
    expect(cache.size).toBe(1);
  });

  it("tells every process listening on the pub/sub port", async () => {
    const pubsub = memoryPubSub();
    const web1 = setup();
    const web2 = setup();
    for (const web of [web1, web2]) {
      web.db.set("a", { user: { id: "u1", admin: false }, expiresAt: new Date(web.now() + HOUR) });
      expect(await listenForSessionChanges({ pubsub, cache: web.cache }).ready()).toBe(true);
      await web.resolve("a");
    }
    const cli = createSessionCache<User>();
    await announceSessionChange({ pubsub, cache: cli }, "u1");
    expect([web1.cache.size, web2.cache.size]).toEqual([0, 0]);
    await pubsub.publish("auth:session-changes", { userId: 42 });
    await pubsub.publish("auth:session-changes", null);
  });
});
