import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { Analytics as SegmentAnalytics } from "@segment/analytics-node";
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, createCollector } from "~/server/collector/collector";
import { getDb } from "~/server/db/client";
import { createDeps } from "~/server/deps";
import type { Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { resolveEventBacklog } from "~/server/services/identity/resolve";
import { callerFor, createUser, eventually, servicesReady, testInfra } from "../helpers/context";

type Row = Record<string, unknown>;

describe.skipIf(!servicesReady)("event API (Segment-compatible) and identity resolution", () => {
  let infra: Infra;
  let server: Server;
  let collector: Collector;
  let strictCollector: Collector;
  let host = "";
  let strictHost = "";
  let brand: { id: string; slug: string };
  let owner: ReturnType<typeof callerFor>;
  let writeKey = "";
  let sourceId = "";

  const deps = () => {
    const d = createDeps({ infra });
    return { ...d, cache: infra.cache };
  };
  const resolve = (brandId = brand.id) => resolveEventBacklog(deps(), { brandId });
  const post = (path: string, body: unknown, opts: { key?: string | null; headers?: Record<string, string>; raw?: Uint8Array<ArrayBuffer> | string; base?: string } = {}) =>
    fetch(`${opts.base ?? host}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.key === null ? {} : { authorization: `Basic ${Buffer.from(`${opts.key ?? writeKey}:`).toString("base64")}` }),
        ...opts.headers,
      },
      body: opts.raw ?? JSON.stringify(body),
    });
  const eventsOf = async (source = sourceId) => getDb().execute<Row>(sql`select * from events where source_id = ${source} order by id`);

  async function listen(handler: Collector): Promise<{ server: Server; url: string }> {
    const s = createServer((req, res) => {
      if (!handler.handle(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
  }

  let strictServer: Server;
  beforeAll(async () => {
    infra = testInfra();
    const user = await createUser("events-owner");
    owner = callerFor(user, infra);
    brand = await owner.brands.create({ name: "Events Brand" });
    const created = await owner.sources.create({ brand: brand.slug, name: "Website" });
    writeKey = created.writeKey;
    sourceId = created.source.id;
    const d = createDeps({ infra, log: getLogger() });
    const collectorDeps = { db: d.db, sql: d.sql, jobs: d.jobs, rateLimit: infra.rateLimit, pubsub: infra.pubsub, log: d.log };
    collector = createCollector(collectorDeps, { sourceRule: { points: 100_000, windowSeconds: 1 }, badKeyRule: { points: 1_000, windowSeconds: 60 } });
    strictCollector = createCollector(collectorDeps, { sourceRule: { points: 3, windowSeconds: 60 }, badKeyRule: { points: 2, windowSeconds: 60 } });
    ({ server, url: host } = await listen(collector));
    ({ server: strictServer, url: strictHost } = await listen(strictCollector));
  });
  afterAll(async () => {
    await Promise.all([collector.close(), strictCollector.close()]);
    server.close();
    strictServer.close();
    await infra.close();
  });

  it("takes identify, track and page from Segment's own Node client, and the profile has them", async () => {
    const analytics = new SegmentAnalytics({ writeKey, host, flushInterval: 50, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on("error", (e) => errors.push(e));
    analytics.identify({ userId: "seg-user-1", traits: { email: "Seg.User@Example.com", name: "Sega Segment", plan: "pro" } });
    analytics.track({ userId: "seg-user-1", event: "Order Completed", properties: { total: 42.5 } });
    analytics.page({ userId: "seg-user-1", name: "Pricing", properties: { path: "/pricing" } });
    await analytics.closeAndFlush({ timeout: 5_000 });
    expect(errors).toEqual([]);
    const rows = (await eventsOf()).filter((r) => r.user_id === "seg-user-1");
    expect(rows.map((r) => r.type).sort()).toEqual(["identify", "page", "track"]);
    expect(rows.find((r) => r.type === "track")?.name).toBe("Order Completed");

    expect((await resolve()).events).toBeGreaterThanOrEqual(3);
    const list = await owner.customers.list({ brand: brand.slug, q: "seg.user@example.com" });
    expect(list.rows).toHaveLength(1);
    const profile = await owner.customers.get({ brand: brand.slug, profileId: String(list.rows[0]!.id) });
    expect(profile.name).toBe("Sega Segment");
    expect(profile.email).toBe("seg.user@example.com");
    expect(profile.identities.map((i) => `${i.kind}=${i.value}`).sort()).toEqual(["email=seg.user@example.com", "userId=seg-user-1"]);
    expect(profile.traits).toMatchObject({ plan: "pro" });
    const timeline = await owner.customers.timeline({ brand: brand.slug, profileId: String(profile.id) });
    expect(timeline.events.map((e) => e.type).sort()).toEqual(["identify", "page", "track"]);
    expect(timeline.events.find((e) => e.type === "track")?.properties).toEqual({ total: 42.5 });
  });

  it("takes the same calls from RudderStack's Node client (gzipped batches)", async () => {
    const client = new RudderAnalytics(writeKey, { dataPlaneUrl: host, flushAt: 3, flushInterval: 100, logLevel: "error" });
    client.identify({ userId: "rudder-user-1", traits: { email: "rudder@example.com" } });
    client.track({ userId: "rudder-user-1", event: "Signed Up" });
    client.page({ userId: "rudder-user-1", name: "Home" });
    await new Promise<void>((resolveFlush, reject) => client.flush((err) => (err ? reject(err) : resolveFlush())));
    await eventually(async () => (await eventsOf()).filter((r) => r.user_id === "rudder-user-1").length === 3, { label: "rudder events" });
    await resolve();
    const list = await owner.customers.list({ brand: brand.slug, q: "rudder-user-1" });
    expect(list.rows.map((r) => r.email)).toEqual(["rudder@example.com"]);
    const timeline = await owner.customers.timeline({ brand: brand.slug, profileId: String(list.rows[0]!.id) });
    expect(timeline.events.map((e) => e.name).sort()).toEqual(["Home", "Signed Up", null]);
  });

  it("names the field of bad input, refuses a batch with one bad event whole, and stores nothing of it", async () => {
    const before = (await eventsOf()).length;
    const noName = await post("/v1/track", { userId: "u-bad" });
    expect(noName.status).toBe(400);
    expect(await noName.json()).toMatchObject({ fields: { event: "is required for a track call" } });
    const noId = await post("/v1/identify", { traits: {} });
    expect(await noId.json()).toMatchObject({ fields: { userId: "userId or anonymousId is required" } });
    const badTime = await post("/v1/page", { anonymousId: "a", timestamp: "yesterday" });
    expect(await badTime.json()).toMatchObject({ fields: { timestamp: "must be an ISO 8601 date-time" } });
    const batch = await post("/v1/batch", { batch: [{ type: "track", userId: "ok", event: "Fine" }, { type: "track", userId: "ok" }, { type: "shout", userId: "ok" }] });
    expect(batch.status).toBe(400);
    expect((await batch.json()).fields).toEqual({ "batch.1.event": "is required for a track call", "batch.2.type": "must be one of track, identify, page, screen, group, alias" });
    const notJson = await post("/v1/track", null, { raw: "{nope" });
    expect(notJson.status).toBe(400);
    expect((await eventsOf()).length).toBe(before);
    // The Sources page lists what was refused, with its fields.
    const activity = await getDb().execute<Row>(sql`select errors from event_rejections where source_id = ${sourceId} order by id desc limit 1`);
    await eventually(async () => (await getDb().execute<Row>(sql`select count(*)::int n from event_rejections where source_id = ${sourceId}`))[0]!.n === 5, { label: "rejections" });
    expect(activity).toBeDefined();
  });

  it("answers 401 for a missing, unknown or revoked key, 413 over the limits, and never writes across brands", async () => {
    expect((await post("/v1/track", { userId: "u", event: "E" }, { key: null })).status).toBe(401);
    expect((await post("/v1/track", { userId: "u", event: "E" }, { key: "bbwk_not-a-key" })).status).toBe(401);
    const big = "x".repeat(33 * 1024);
    const oversize = await post("/v1/track", { userId: "u", event: "E", properties: { big } });
    expect(oversize.status).toBe(413);
    const batch = await post("/v1/batch", { batch: Array.from({ length: 20 }, () => ({ type: "track", userId: "u", event: "E", properties: { big: big.slice(0, 30 * 1024) } })) });
    expect(batch.status).toBe(413);
    const oneTooBig = await post("/v1/batch", { batch: [{ type: "track", userId: "u", event: "E", properties: { big } }] });
    expect(oneTooBig.status).toBe(400);
    expect((await oneTooBig.json()).fields["batch.0.message"]).toMatch(/at most 32 KB/);

    // Brand B's key writes into brand B only, whatever the body says.
    const otherUser = await createUser("events-other");
    const other = callerFor(otherUser, infra);
    const brandB = await other.brands.create({ name: "Other Events Brand" });
    const b = await other.sources.create({ brand: brandB.slug, name: "B site" });
    const res = await post("/v1/track", { userId: "cross", event: "E", brandId: brand.id, writeKey }, { key: b.writeKey });
    expect(res.status).toBe(200);
    const rows = await getDb().execute<Row>(sql`select brand_id, source_id from events where user_id = 'cross'`);
    expect(rows).toEqual([{ brand_id: brandB.id, source_id: b.source.id }]);

    await other.sources.setRevoked({ brand: brandB.slug, sourceId: b.source.id, revoked: true });
    await eventually(async () => (await post("/v1/track", { userId: "cross", event: "E" }, { key: b.writeKey })).status === 401, { label: "revoked key refused" });
    await expect(owner.sources.revealKey({ brand: brand.slug, sourceId: b.source.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps the old key working for the grace period after a rotation, and not after one without grace", async () => {
    const created = await owner.sources.create({ brand: brand.slug, name: "Rotating" });
    const rotated = await owner.sources.rotateKey({ brand: brand.slug, sourceId: created.source.id, graceHours: 1 });
    expect(rotated.writeKey).not.toBe(created.writeKey);
    expect((await post("/v1/track", { userId: "r", event: "Old key" }, { key: created.writeKey })).status).toBe(200);
    expect((await post("/v1/track", { userId: "r", event: "New key" }, { key: rotated.writeKey })).status).toBe(200);
    expect((await owner.sources.revealKey({ brand: brand.slug, sourceId: created.source.id })).writeKey).toBe(rotated.writeKey);
    const again = await owner.sources.rotateKey({ brand: brand.slug, sourceId: created.source.id, graceHours: 0 });
    await eventually(async () => (await post("/v1/track", { userId: "r", event: "E" }, { key: rotated.writeKey })).status === 401, { label: "rotated-out key refused" });
    expect((await post("/v1/track", { userId: "r", event: "E" }, { key: again.writeKey })).status).toBe(200);
  });

  it("dedupes on messageId per source, accepts gzip and analytics.js's body write key, corrects clock skew, and answers CORS", async () => {
    const messageId = `dedupe-${Date.now()}`;
    for (let i = 0; i < 3; i++) expect((await post("/v1/track", { userId: "d", event: "Once", messageId })).status).toBe(200);
    expect((await eventsOf()).filter((r) => r.message_id === messageId)).toHaveLength(1);

    const gz = await post("/v1/batch", null, { raw: new Uint8Array(gzipSync(JSON.stringify({ batch: [{ type: "track", userId: "gz", event: "Zipped" }] }))), headers: { "content-encoding": "gzip" } });
    expect(gz.status).toBe(200);
    const inBody = await post("/v1/t", { userId: "bodykey", event: "Body key", writeKey }, { key: null, headers: { "content-type": "text/plain" } });
    expect(inBody.status).toBe(200);

    // The client's clock is an hour fast: sentAt says so, and the event's time is moved back by as much.
    const now = Date.now();
    const skewed = await post("/v1/track", { userId: "skew", event: "Skewed", timestamp: new Date(now + 3_600_000 - 10_000).toISOString(), sentAt: new Date(now + 3_600_000).toISOString() });
    expect(skewed.status).toBe(200);
    const [row] = (await eventsOf()).filter((r) => r.user_id === "skew");
    const at = new Date(row!.timestamp as string).getTime();
    expect(Math.abs(at - (now - 10_000))).toBeLessThan(2_000);
    expect((row!.payload as Row).originalTimestamp).toBeDefined();

    // Valid JSON that Postgres refuses as it is (NUL, a lone surrogate half), in any field: stored with U+FFFD in their place.
    const odd = await post("/v1/batch", null, { raw: '{"batch":[{"type":"track","userId":"nul\\u0000user","event":"Odd\\ud800","properties":{"k\\u0000":"v\\udc00"}}]}' });
    expect(odd.status).toBe(200);
    const [stored] = (await eventsOf()).filter((r) => r.user_id === "nul\uFFFDuser");
    expect(stored).toMatchObject({ name: "Odd\uFFFD", payload: { userId: "nul\uFFFDuser", properties: { "k\uFFFD": "v\uFFFD" } } });

    const preflight = await fetch(`${host}/v1/batch`, { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("answers 429 with Retry-After past a source's rate limit, and per address for unknown keys", async () => {
    const created = await owner.sources.create({ brand: brand.slug, name: "Limited" });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await post("/v1/track", { userId: "rl", event: `E${i}` }, { key: created.writeKey, base: strictHost });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const guesses = [];
    for (let i = 0; i < 3; i++) guesses.push((await post("/v1/track", { userId: "g", event: "E" }, { key: `bbwk_guess${i}`, base: strictHost })).status);
    expect(guesses).toEqual([401, 401, 429]);
  });
});
