import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { createDeps } from "~/server/deps";
import type { Infra } from "~/server/infra";
import { type EventRow, insertEvents } from "~/server/services/events/committer";
import { parseCall } from "~/server/services/events/messages";
import { recordDataRequest, redactCustomer, redactShop } from "~/server/services/compliance/compliance";
import { recordRejection } from "~/server/services/events/sources";
import { resolveEventBacklog } from "~/server/services/identity/resolve";
import { runRecentSync } from "~/server/services/sync/incremental-sync";
import { shopRecords } from "../helpers/shop-equality";
import { connectedShop } from "../helpers/sync-harness";
import { callerFor, createUser, servicesReady, syncDeps, testInfra } from "../helpers/context";

type Row = Record<string, unknown>;

/**
 * Identity resolution through its production path: events parsed as the collector parses them,
 * committed as it commits them, resolved by the ingestion job's service; Shopify customers by the
 * sync's. Each test has a brand of its own.
 */
describe.skipIf(!servicesReady)("identity resolution", () => {
  let infra: Infra;
  let owner: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    infra = testInfra();
    owner = await createUser("identity-owner");
  });
  afterAll(() => infra.close());

  async function newBrand(name: string) {
    const caller = callerFor(owner, infra);
    const brand = await caller.brands.create({ name });
    const { source } = await caller.sources.create({ brand: brand.slug, name: "Site" });
    return { caller, brand, sourceId: source.id };
  }
  async function send(target: { brand: { id: string }; sourceId: string }, messages: Record<string, unknown>[]): Promise<void> {
    const parsed = parseCall("batch", { batch: messages }, { receivedAt: new Date(), bytes: 100 });
    if (!parsed.ok) throw new Error(parsed.error);
    const rows: EventRow[] = parsed.events.map((e) => ({ ...e, brandId: target.brand.id, sourceId: target.sourceId }));
    await insertEvents(createDeps({ infra }).sql, rows);
  }
  const resolve = (brandId: string) => resolveEventBacklog({ ...createDeps({ infra }) }, { brandId });
  const roots = async (brandId: string) => getDb().execute<Row>(sql`select id from profiles where brand_id = ${brandId} and merged_into is null order by id`);

  /** Everything that makes up one profile, as the database holds it (times the merge rewrote left out). */
  async function snapshot(profileId: number) {
    const [profile] = await getDb().execute<Row>(sql`
      select id, root_id, merged_into, traits, name, email, phone, first_seen_at, last_seen_at, orders, net_value, currency, last_order_at, group_last_seen_at
      from profiles where id = ${profileId}`);
    const identifiers = await getDb().execute<Row>(sql`select kind, value, source_id from profile_identifiers where profile_id = ${profileId} order by kind, value`);
    const events = await getDb().execute<Row>(sql`select id from events where profile_id = ${profileId} order by id`);
    return { profile, identifiers, events: events.map((e) => Number(e.id)) };
  }

  it("resolves 50 concurrent identify calls that all link the same person into exactly one profile", async () => {
    const t = await newBrand("Concurrent identities");
    // 50 visitors, each a profile of their own…
    await send(t, Array.from({ length: 50 }, (_, i) => ({ type: "page", anonymousId: `visitor-${i}`, name: "Home" })));
    await resolve(t.brand.id);
    expect(await roots(t.brand.id)).toHaveLength(50);
    // …then each identifies as the same person, in 50 requests resolved by five workers at once.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => send(t, [{ type: "identify", anonymousId: `visitor-${i}`, userId: "same-person", traits: { email: "Same@Person.example" } }])),
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => resolve(t.brand.id)));
    expect(results.reduce((n, r) => n + r.events, 0)).toBe(50);
    const left = await roots(t.brand.id);
    expect(left).toHaveLength(1);
    const ids = await getDb().execute<Row>(sql`
      select i.kind, count(*)::int as n from profile_identifiers i join profiles p on p.id = i.profile_id
      where p.root_id = ${Number(left[0]!.id)} group by i.kind order by i.kind`);
    expect(ids).toEqual([
      { kind: "anonymousId", n: 50 },
      { kind: "email", n: 1 },
      { kind: "userId", n: 1 },
    ]);
    const merges = await getDb().execute<Row>(sql`select status, count(*)::int as n from profile_merges where brand_id = ${t.brand.id} group by status`);
    expect(merges).toEqual([{ status: "merged", n: 49 }]);
    const unresolved = await getDb().execute<Row>(sql`select count(*)::int as n from events where brand_id = ${t.brand.id} and (resolved_at is null or profile_id is null)`);
    expect(unresolved[0]!.n).toBe(0);
  });

  it("undoes a merge: both profiles are exactly as they were, each with its own identifiers and events", async () => {
    const t = await newBrand("Undo merge");
    await send(t, [
      { type: "identify", userId: "alice", traits: { name: "Alice", plan: "gold" } },
      { type: "track", userId: "alice", event: "Viewed" },
      { type: "identify", anonymousId: "anon-a", traits: { email: "alice@example.com" } },
      { type: "track", anonymousId: "anon-a", event: "Added to cart" },
    ]);
    await resolve(t.brand.id);
    const [a, b] = (await roots(t.brand.id)).map((r) => Number(r.id)) as [number, number];
    const before = { a: await snapshot(a), b: await snapshot(b) };
    expect(before.a.events).toHaveLength(2);

    // Alice logs in on the anonymous device: one person now.
    await send(t, [{ type: "identify", userId: "alice", anonymousId: "anon-a" }]);
    await resolve(t.brand.id);
    expect(await roots(t.brand.id)).toHaveLength(1);
    const merged = await t.caller.customers.get({ brand: t.brand.slug, profileId: String(b) });
    expect(merged.rootId).toBe(a);
    expect(merged.email).toBe("alice@example.com");
    expect(merged.identities.map((i) => i.kind).sort()).toEqual(["anonymousId", "email", "userId"]);
    const merge = merged.merges.find((m) => m.status === "merged")!;
    expect(merge).toMatchObject({ winnerId: a, loserId: b, canUndo: true, cause: { identifier: { kind: "anonymousId", value: "anon-a" } } });

    await t.caller.customers.unmerge({ brand: t.brand.slug, mergeId: merge.id });
    expect(await roots(t.brand.id)).toHaveLength(2);
    // The login event stays with the profile of its strongest identifier (alice's); everything else is as it was.
    const after = { a: await snapshot(a), b: await snapshot(b) };
    const loginEvent = after.a.events.filter((e) => !before.a.events.includes(e));
    expect(loginEvent).toHaveLength(1);
    // Alice was last seen at the login, which is hers.
    const [login] = await getDb().execute<Row>(sql`select timestamp from events where id = ${loginEvent[0]!}`);
    expect(after.a.profile!.last_seen_at).toBe(login!.timestamp);
    const seenAt = { last_seen_at: before.a.profile!.last_seen_at, group_last_seen_at: before.a.profile!.group_last_seen_at };
    expect({ ...after.a, profile: { ...after.a.profile, ...seenAt }, events: after.a.events.filter((e) => !loginEvent.includes(e)) }).toEqual(before.a);
    expect(after.b).toEqual(before.b);
    const undone = await t.caller.customers.get({ brand: t.brand.slug, profileId: String(a) });
    expect(undone.merges.find((m) => m.id === merge.id)).toMatchObject({ status: "undone", canUndo: false });
    await expect(t.caller.customers.unmerge({ brand: t.brand.slug, mergeId: merge.id })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("serves the cached Customer360 exactly as it built it (dates as dates, traits as written), from any member's id", async () => {
    const t = await newBrand("Cached page");
    await send(t, [
      { type: "identify", userId: "cara", traits: { name: "Cara", createdAt: "2024-05-01T00:00:00.000Z", plan: { since: "2024-05-01" } } },
      { type: "page", anonymousId: "anon-cara", name: "Home" },
    ]);
    await resolve(t.brand.id);
    await send(t, [{ type: "identify", userId: "cara", anonymousId: "anon-cara" }]);
    await resolve(t.brand.id);
    const ids = (await getDb().execute<Row>(sql`select id from profiles where brand_id = ${t.brand.id} order by id`)).map((r) => String(r.id));
    expect(ids).toHaveLength(2);
    await t.caller.customers.clearCache({ brand: t.brand.slug });
    const fresh = await t.caller.customers.get({ brand: t.brand.slug, profileId: ids[1]! });
    expect(fresh.traits).toMatchObject({ createdAt: "2024-05-01T00:00:00.000Z", plan: { since: "2024-05-01" } });
    for (const id of ids) expect(await t.caller.customers.get({ brand: t.brand.slug, profileId: id })).toEqual(fresh);
    expect(fresh.createdAt).toBeInstanceOf(Date);
    expect(fresh.traitHistory[0]!.at).toBeInstanceOf(Date);
  });

  it("moves a group's last seen on its root when a merged-in profile is seen again", async () => {
    const t = await newBrand("Last seen");
    await send(t, [
      { type: "identify", userId: "bob", traits: { name: "Bob" } },
      { type: "page", anonymousId: "anon-bob", name: "Home" },
    ]);
    await resolve(t.brand.id);
    await send(t, [{ type: "identify", userId: "bob", anonymousId: "anon-bob" }]);
    await resolve(t.brand.id);
    const [root] = await roots(t.brand.id);
    const later = new Date(Date.now() + 60_000).toISOString();
    // anon-bob belongs to the merged-in profile: its event lands there, and the root's figure follows.
    await send(t, [{ type: "track", anonymousId: "anon-bob", event: "Came back", timestamp: later }]);
    await resolve(t.brand.id);
    const [figures] = await getDb().execute<Row>(sql`
      select r.group_last_seen_at, (select max(last_seen_at) from profiles m where m.root_id = r.id) as members_last_seen,
             (select count(*) from profiles m where m.root_id = r.id)::int as members
      from profiles r where r.id = ${Number(root!.id)}`);
    expect(figures!.members).toBe(2);
    expect(new Date(figures!.group_last_seen_at as string).toISOString()).toBe(later);
    expect(figures!.group_last_seen_at).toEqual(figures!.members_last_seen);
  });

  it("searches few matches by their ids and broad terms along the list's order, with the same answers", async () => {
    const t = await newBrand("Search");
    const people = Array.from({ length: 2_100 }, (_, i) => ({ type: "identify", userId: `zed-${i}`, traits: { name: `Zed Number${i}`, email: `zed${i}@example.com`, phone: `+30 210 ${String(1_000_000 + i)}` } }));
    for (let i = 0; i < people.length; i += 500) await send(t, people.slice(i, i + 500));
    await resolve(t.brand.id);
    const list = (q: string, sort: "lastSeen" | "orders" = "lastSeen") => t.caller.customers.list({ brand: t.brand.slug, q, sort, limit: 100 });
    // Broad (more groups than are listed by id): every match counts, in the list's order.
    const broad = await list("zed");
    expect(broad.total).toBe(2_100);
    const all = await t.caller.customers.list({ brand: t.brand.slug, limit: 100 });
    expect(broad.rows.map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
    // Few: by name prefix, email, E.164 phone, userId.
    expect((await list("zed number123")).rows.map((r) => r.name).sort()).toEqual(["Zed Number123", "Zed Number1230", "Zed Number1231", "Zed Number1232", "Zed Number1233", "Zed Number1234", "Zed Number1235", "Zed Number1236", "Zed Number1237", "Zed Number1238", "Zed Number1239"]);
    expect((await list("ZED77@example.com")).rows.map((r) => r.name)).toEqual(["Zed Number77"]);
    expect((await list("+302101000042")).rows.map((r) => r.name)).toEqual(["Zed Number42"]);
    expect((await list("zed-2099")).rows.map((r) => r.name)).toEqual(["Zed Number2099"]);
    expect((await list("nobody")).total).toBe(0);
  });

  it("refuses a merge that would give one person two userIds, and records it", async () => {
    const t = await newBrand("Limits");
    await send(t, [
      { type: "identify", userId: "u-1", traits: { email: "shared@example.com" } },
      { type: "identify", userId: "u-2" },
    ]);
    await resolve(t.brand.id);
    await send(t, [{ type: "identify", userId: "u-2", traits: { email: "shared@example.com" } }]);
    await resolve(t.brand.id);
    expect(await roots(t.brand.id)).toHaveLength(2);
    const [refusal] = await getDb().execute<Row>(sql`select status, reason, cause from profile_merges where brand_id = ${t.brand.id}`);
    expect(refusal).toMatchObject({ status: "refused", reason: "Not merged: one person would hold 2 userId values (the limit is 1)", cause: { identifier: { kind: "email", value: "shared@example.com" } } });

    // The brand lifts the limit (Identity rules): the next call that links them merges.
    const rules = await t.caller.identity.settings({ brand: t.brand.slug });
    expect(rules.limits).toEqual({ userId: 1, shopifyCustomer: 1, email: null, phone: null, external: null });
    await t.caller.identity.updateSettings({ brand: t.brand.slug, blockedEmails: [], limits: { ...rules.limits, userId: null } });
    await send(t, [{ type: "identify", userId: "u-2", traits: { email: "shared@example.com" } }]);
    await resolve(t.brand.id);
    expect(await roots(t.brand.id)).toHaveLength(1);
  });

  it("never links on blocked or malformed values, which stay traits only", async () => {
    const t = await newBrand("Blocked values");
    const limits = (await t.caller.identity.settings({ brand: t.brand.slug })).limits;
    await expect(t.caller.identity.updateSettings({ brand: t.brand.slug, blockedEmails: ["qa@brand.example", "not an email"], limits })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: '"not an email" is not an email address',
    });
    expect((await t.caller.identity.settings({ brand: t.brand.slug })).blockedEmails).toEqual([]);
    const saved = await t.caller.identity.updateSettings({ brand: t.brand.slug, blockedEmails: [" QA@Brand.example ", "qa@brand.example"], limits });
    expect(saved.blockedEmails).toEqual(["qa@brand.example"]);
    await send(t, [
      { type: "identify", userId: "p-1", anonymousId: "anonymous", traits: { email: "qa@brand.example", phone: "555-0100" } },
      { type: "identify", userId: "p-2", anonymousId: "anonymous", traits: { email: "QA@brand.example", phone: "555-0100" } },
      { type: "identify", userId: "p-3", traits: { email: "not-an-email", phone: "+30 210 123 4567" } },
      { type: "identify", userId: "null", anonymousId: "0" },
    ]);
    await resolve(t.brand.id);
    expect(await roots(t.brand.id)).toHaveLength(3);
    const ids = await getDb().execute<Row>(sql`select kind, value from profile_identifiers where brand_id = ${t.brand.id} order by kind, value`);
    expect(ids).toEqual([
      { kind: "phone", value: "+302101234567" },
      { kind: "userId", value: "p-1" },
      { kind: "userId", value: "p-2" },
      { kind: "userId", value: "p-3" },
    ]);
    const [p3] = await getDb().execute<Row>(sql`select p.traits from profiles p join profile_identifiers i on i.profile_id = p.id where i.value = 'p-3' and i.brand_id = ${t.brand.id}`);
    expect(p3!.traits).toMatchObject({ email: "not-an-email" });
    const [{ n }] = (await getDb().execute<Row>(sql`select count(*)::int n from events where brand_id = ${t.brand.id} and profile_id is null and resolved_at is not null`)) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it("joins a synced Shopify customer and a web visitor with the same email into one profile whose net LTV is the shop's; Shopify's compliance requests export and erase the person", async () => {
    const ctx = await connectedShop({ infra, apiKey: "identity-shop-app", shop: "identity-shop.myshopify.com", shopSpec: { seed: 23, orders: 400, customers: 80, products: 20, days: 200 } });
    try {
      await runRecentSync({ ...(await syncDeps(infra)) }, { storeId: ctx.storeId, days: 400, maxOrders: 1_000 });
      type OrderRec = { customerId: string | null; currency: string; total: string; refunded: string; name: string };
      type CustomerRec = { id: string; email: string | null };
      const orders = await shopRecords<OrderRec>(ctx.emulator.url, "identity-shop.myshopify.com", "orders");
      const customers = await shopRecords<CustomerRec>(ctx.emulator.url, "identity-shop.myshopify.com", "customers");
      const counts = new Map<string, number>();
      for (const o of orders) if (o.customerId) counts.set(String(o.customerId), (counts.get(String(o.customerId)) ?? 0) + 1);
      const buyer = customers.find((c) => c.email && (counts.get(String(c.id)) ?? 0) >= 2 && (counts.get(String(c.id)) ?? 0) <= 50)!;
      const theirs = orders.filter((o) => String(o.customerId) === String(buyer.id));
      const cents = (v: string) => Math.round(Number(v) * 100);
      const net = theirs.reduce((n, o) => n + cents(o.total) - cents(o.refunded), 0);

      const caller = callerFor(ctx.owner, infra);
      const { source } = await caller.sources.create({ brand: ctx.brand.slug, name: "Storefront" });
      await send({ brand: ctx.brand, sourceId: source.id }, [
        { type: "page", anonymousId: "web-visitor", name: "Product" },
        { type: "identify", anonymousId: "web-visitor", traits: { email: buyer.email!.toUpperCase() } },
        { type: "track", anonymousId: "web-visitor", event: "Wishlist Added" },
      ]);
      await resolve(ctx.brand.id);

      const found = await caller.customers.list({ brand: ctx.brand.slug, q: buyer.email! });
      expect(found.rows).toHaveLength(1);
      // The same person by an order's name (with or without #) and by the Shopify customer id.
      for (const q of [theirs[0]!.name, theirs[0]!.name.replace("#", ""), String(buyer.id)]) {
        expect({ q, ids: (await caller.customers.list({ brand: ctx.brand.slug, q })).rows.map((r) => r.id) }).toEqual({ q, ids: [found.rows[0]!.id] });
      }
      const person = await caller.customers.get({ brand: ctx.brand.slug, profileId: String(found.rows[0]!.id) });
      expect(person.orders).toHaveLength(theirs.length);
      expect(person.money).toHaveLength(1);
      expect(cents(person.money[0]!.net)).toBe(net);
      expect(person.money[0]!.orders).toBe(theirs.length);
      expect(cents(found.rows[0]!.netValue)).toBe(net);
      expect(new Set(person.identities.map((i) => i.kind))).toEqual(new Set(["anonymousId", "email", "shopifyCustomer", ...(person.identities.some((i) => i.kind === "phone") ? ["phone"] : [])]));
      const timeline = await caller.customers.timeline({ brand: ctx.brand.slug, profileId: String(person.id) });
      expect(timeline.events.map((e) => e.type).sort()).toEqual(["identify", "page", "track"]);

      // customers/data_request: the export holds the person (identifiers, events), not only the shop's record.
      const deps = { ...createDeps({ infra }) };
      const shopDomain = "identity-shop.myshopify.com";
      await recordDataRequest(deps, { shopDomain, body: { customer: { id: BigInt(buyer.id), email: buyer.email }, orders_requested: [] } });
      const [request] = await getDb().execute<Row>(sql`select export from data_requests where store_id = ${ctx.storeId} and customer_shopify_id = ${String(buyer.id)}`);
      const exported = request!.export as { person: { identifiers: { kind: string }[]; events: { type: string }[] } };
      expect(exported.person.events.map((e) => e.type).sort()).toEqual(["identify", "page", "track"]);
      expect(exported.person.identifiers.map((i) => i.kind)).toContain("anonymousId");

      // customers/redact: the whole person goes — profiles, identifiers, merges, events (also one still waiting to be resolved).
      const members = (await getDb().execute<Row>(sql`select id from profiles where root_id = ${person.rootId}`)).map((r) => Number(r.id));
      expect(members.length).toBe(2);
      await send({ brand: ctx.brand, sourceId: source.id }, [{ type: "track", anonymousId: "web-visitor", event: "Sent Before The Request" }]);
      // Refused requests keep the start of what was sent (the Sources page's activity): one names the person, one does not.
      const refused = { sourceId: source.id, status: 400, path: "/v1/track", errors: { event: "is required" } };
      await recordRejection({ db: getDb() }, { ...refused, sample: JSON.stringify({ type: "track", traits: { email: buyer.email!.toUpperCase() } }) });
      await recordRejection({ db: getDb() }, { ...refused, sample: JSON.stringify({ type: "track", anonymousId: "web-visitor" }) });
      await recordRejection({ db: getDb() }, { ...refused, sample: JSON.stringify({ type: "track", anonymousId: "somebody-else" }) });
      await redactCustomer(deps, { shopDomain, body: { customer: { id: BigInt(buyer.id) }, orders_to_redact: [] }, redactedAt: new Date() });
      const left = await getDb().execute<Row>(sql`
        select (select count(*) from profiles where id = any(${sql.param(members)}::bigint[]))::int as profiles,
               (select count(*) from profile_identifiers where brand_id = ${ctx.brand.id} and (value = ${buyer.email!.toLowerCase()} or value = 'web-visitor'
                 or value = ${`${ctx.storeId}:${buyer.id}`}))::int as identifiers,
               (select count(*) from events where brand_id = ${ctx.brand.id} and anonymous_id = 'web-visitor')::int as events,
               (select count(*) from profile_merges where winner_id = any(${sql.param(members)}::bigint[]) or loser_id = any(${sql.param(members)}::bigint[]))::int as merges`);
      expect(left[0]).toEqual({ profiles: 0, identifiers: 0, events: 0, merges: 0 });
      const samples = await getDb().execute<Row>(sql`select sample from event_rejections where source_id = ${source.id}`);
      expect(samples.map((r) => r.sample)).toEqual([JSON.stringify({ type: "track", anonymousId: "somebody-else" })]);
      expect((await caller.customers.list({ brand: ctx.brand.slug, q: buyer.email! })).rows).toHaveLength(0);
      await expect(caller.customers.get({ brand: ctx.brand.slug, profileId: String(person.id) })).rejects.toMatchObject({ code: "NOT_FOUND" });
      // The other customers stay.
      const others = (await caller.customers.list({ brand: ctx.brand.slug })).total;
      expect(others).toBeGreaterThan(0);

      // shop/redact: what the shop brought leaves every profile; profiles it alone made are gone.
      await redactShop(deps, { shopDomain });
      const [after] = await getDb().execute<Row>(sql`
        select (select count(*) from profile_identifiers where store_id = ${ctx.storeId})::int as identifiers,
               (select count(*) from profiles where brand_id = ${ctx.brand.id})::int as profiles`);
      expect(after).toEqual({ identifiers: 0, profiles: 0 });
    } finally {
      await ctx.close();
    }
  });
});
