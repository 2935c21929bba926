import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { shopOrders, stores, syncRuns, syncSteps } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { PermanentJobError } from "~/server/infra/queue/port";
import { QUEUE_NAMES, queueContracts } from "~/server/jobs/contracts";
import { createQueueProcessor } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { syncHandlers } from "~/workers/sync.worker";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";
import { BRAND_PROCEDURES, invoke, outcome, PROCEDURES } from "../helpers/procedures";

const brandScoped = BRAND_PROCEDURES.map((p) => p.path);

/** Procedures that deliberately take no brand: adding one means adding it here, on purpose. */
const NOT_BRAND_SCOPED = new Set([
  "me.session",
  "me.get",
  "brands.list",
  "brands.create",
  "invitations.preview",
  "invitations.accept",
  "queues.pause",
  "queues.resume",
  "mail.list",
  "mail.get",
]);

describe.skipIf(!servicesReady)("tenant isolation", () => {
  let infra: Infra;
  let victimBrand: { id: string; slug: string };
  let outsider: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("victim-owner");
    victimBrand = await callerFor(owner, infra).brands.create({ name: "Victim Brand" });
    const stranger = await createUser("stranger");
    // The stranger has a brand of their own: membership somewhere must not leak into elsewhere.
    await callerFor(stranger, infra).brands.create({ name: "Stranger Brand" });
    outsider = callerFor(stranger, infra);
  });
  afterAll(() => infra.close());

  it("knows every procedure's scope, so none escapes this test by accident", () => {
    const unscoped = PROCEDURES.filter((p) => p.meta?.scope !== "brand" && !NOT_BRAND_SCOPED.has(p.path)).map((p) => p.path);
    expect(unscoped).toEqual([]);
    expect(brandScoped.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(brandScoped)("%s", (path) => {
    it.each(["slug", "id"] as const)("answers FORBIDDEN to a signed-in non-member who names the brand by %s", async (by) => {
      const brand = by === "slug" ? victimBrand.slug : victimBrand.id;
      const error = await invoke(outsider, path, { brand }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
    });
  });

  it("answers UNAUTHORIZED to anonymous callers of brand procedures", async () => {
    const anonymous = callerFor(null, infra);
    await expect(anonymous.members.list({ brand: victimBrand.slug })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers FORBIDDEN for a brand that does not exist, like one that does", async () => {
    await expect(outsider.members.list({ brand: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(outsider.members.list({ brand: "no-such-brand" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

/**
 * Input fields that name something inside a brand, and how to name brand B's. A new `…Id` field in
 * any brand procedure's input must be added here (the first test fails until it is), so every
 * child id is tried across tenants.
 */
const CHILD_FIELDS = ["storeId", "stepId", "runId", "invitationId", "dataRequestId", "jobId", "userId", "orderId", "sourceId", "profileId", "mergeId"] as const;
type ChildField = (typeof CHILD_FIELDS)[number];
/** Fields that end in "Id" but name no child: keyset cursors filtered by the brand anyway. */
const NOT_CHILD_FIELDS = new Set<string>(["lastEventId"]);
/** Valid values for the other fields a child-id procedure needs, so the call reaches its child check. */
const OTHER_FIELDS: Record<string, unknown> = { queue: "analysis", role: "analyst", name: "Renamed", revoked: true };

describe.skipIf(!servicesReady)("child ids of another brand", () => {
  let infra: Infra;
  let brandA: { id: string; slug: string };
  let brandB: { id: string; slug: string };
  const callerA: Partial<Record<"owner" | "admin" | "analyst", ReturnType<typeof callerFor>>> = {};
  const idsOfB = {} as Record<ChildField, string | number>;

  /** Everything both brands hold, as one digest per table: a write anywhere changes it. */
  async function brandRowsDigest(): Promise<Record<string, string>> {
    const sql = getSql();
    const tables = await sql<{ table: string }[]>`select table_name as table from information_schema.columns
      where table_schema = 'public' and column_name = 'brand_id' order by table_name`;
    const out: Record<string, string> = {};
    for (const { table } of tables) {
      const [row] = await sql.unsafe(`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d from "${table}" t where brand_id in ($1, $2)`, [brandA.id, brandB.id]);
      out[table] = row!.d as string;
    }
    return out;
  }

  async function queuedJobs(): Promise<number> {
    let n = 0;
    for (const q of QUEUE_NAMES) {
      const c = await infra.queue.counts(q);
      n += c.waiting + c.active + c.delayed + c.completed + c.failed;
    }
    return n;
  }

  beforeAll(async () => {
    infra = testInfra();
    const ownerA = await createUser("child-owner-a");
    callerA.owner = callerFor(ownerA, infra);
    brandA = await callerA.owner.brands.create({ name: "Child Brand A" });
    for (const role of ["admin", "analyst"] as const) {
      const user = await createUser(`child-${role}-a`);
      const { url } = await callerA.owner.members.invite({ brand: brandA.slug, email: user.email, role });
      callerA[role] = callerFor(user, infra);
      await callerA[role]!.invitations.accept({ token: url.split("/").pop()! });
    }

    // Brand B with one of every child: a store, a failed history sync step, an invitation, a data request, a job, a member, an order.
    const ownerB = await createUser("child-owner-b");
    const callerB = callerFor(ownerB, infra);
    brandB = await callerB.brands.create({ name: "Child Brand B" });
    const db = getDb();
    const [store] = await db.insert(stores).values({ brandId: brandB.id, shopDomain: "child-b.myshopify.com", status: "connected", connectedBy: ownerB.id }).returning();
    const [run] = await db.insert(syncRuns).values({ brandId: brandB.id, storeId: store!.id, status: "failed" }).returning();
    const [step] = await db.insert(syncSteps).values({ brandId: brandB.id, storeId: store!.id, runId: run!.id, entity: "orders", phase: "failed", failedPhase: "bulk_running", error: "test" }).returning();
    const invitation = await callerB.members.invite({ brand: brandB.slug, email: "invitee-b@example.test", role: "admin" });
    const [dataRequest] = await getSql()<{ id: string }[]>`insert into data_requests (brand_id, store_id, customer_shopify_id, export)
      values (${brandB.id}, ${store!.id}, '42', '{}'::jsonb) returning id`;
    const jobId = await infra.queue.add("analysis", "probe", { brandId: brandB.id, probeId: "b-probe", durationMs: 0, fail: false }, { jobId: "b-probe" });
    const [order] = await db
      .insert(shopOrders)
      .values({ brandId: brandB.id, storeId: store!.id, shopifyId: 4242n, name: "#B1", currency: "USD", total: "10", createdAt: new Date(), updatedAt: new Date() })
      .returning();
    // People: an event source, two profiles and a merge of one into the other.
    const { source } = await callerB.sources.create({ brand: brandB.slug, name: "B site" });
    const [winner, loser] = await getSql()<{ id: string }[]>`insert into profiles (brand_id, root_id) values (${brandB.id}, 0), (${brandB.id}, 0) returning id`;
    await getSql()`update profiles set root_id = ${winner!.id} where id in (${winner!.id}, ${loser!.id})`;
    await getSql()`update profiles set merged_into = ${winner!.id} where id = ${loser!.id}`;
    const [merge] = await getSql()<{ id: string }[]>`insert into profile_merges (brand_id, winner_id, loser_id, status, cause)
      values (${brandB.id}, ${winner!.id}, ${loser!.id}, 'merged', '{"identifier":{"kind":"email","value":"b@example.test"}}'::jsonb) returning id`;
    Object.assign(idsOfB, {
      storeId: store!.id,
      stepId: step!.id,
      runId: run!.id,
      invitationId: invitation.id,
      dataRequestId: dataRequest!.id,
      jobId,
      userId: ownerB.id,
      orderId: order!.id,
      sourceId: source.id,
      profileId: loser!.id,
      mergeId: Number(merge!.id),
    });
  });
  afterAll(() => infra.close());

  const withChildIds = BRAND_PROCEDURES.map((p) => ({ ...p, childFields: p.fields.filter((f) => f.endsWith("Id") && !NOT_CHILD_FIELDS.has(f)) })).filter((p) => p.childFields.length > 0);

  it("knows every child-id field of every brand procedure", () => {
    const unknown = withChildIds.flatMap((p) => p.childFields.filter((f) => !(CHILD_FIELDS as readonly string[]).includes(f)).map((f) => `${p.path}.${f}`));
    expect(unknown).toEqual([]);
    expect(withChildIds.map((p) => p.path)).toEqual(expect.arrayContaining(["stores.disconnect", "sync.start", "sync.retryStep", "sync.check", "members.revokeInvitation", "queues.retry", "analytics.order", "sources.rotateKey", "customers.get", "customers.unmerge"]));
  });

  describe.each(withChildIds.map((p) => [p.path, p] as const))("%s", (_path, procedure) => {
    it("answers NOT_FOUND to brand A's member passing brand B's id, and enqueues and writes nothing", async () => {
      const role = procedure.meta!.minRole!;
      const input: Record<string, unknown> = { brand: brandA.slug };
      for (const field of procedure.fields) {
        if ((CHILD_FIELDS as readonly string[]).includes(field)) input[field] = idsOfB[field as ChildField];
        else if (field in OTHER_FIELDS) input[field] = OTHER_FIELDS[field];
      }
      const rowsBefore = await brandRowsDigest();
      const jobsBefore = await queuedJobs();
      expect(await outcome(callerA[role]!, procedure.path, input)).toBe("NOT_FOUND");
      expect(await brandRowsDigest()).toEqual(rowsBefore);
      expect(await queuedJobs()).toBe(jobsBefore);
    });
  });

  // Every sync job that acts on a store (the probe and the stalled-steps sweep act on none).
  const storeJobs = Object.entries(queueContracts.sync.jobs).filter(([, schema]) => "storeId" in schema.shape).map(([name]) => name);
  describe.each(storeJobs)("sync/%s job", (name) => {
    it("fails permanently (NOT_FOUND) when its payload names brand A but brand B's store, touching nothing", async () => {
      const processor = createQueueProcessor("sync", syncHandlers);
      const ctx = { jobId: `cross-${name}`, attempt: 1, signal: new AbortController().signal, log: getLogger() };
      const rowsBefore = await brandRowsDigest();
      // Every field a sync payload may need, valid: only the store (and step) belong to brand B.
      const data = { brandId: brandA.id, storeId: idsOfB.storeId, stepId: idsOfB.stepId, entity: "orders" };
      const error = await processor({ id: ctx.jobId, name, data, attemptsMade: 0 }, ctx).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(PermanentJobError);
      expect((error as Error).message).toMatch(/^No such store in this brand$/);
      expect(await brandRowsDigest()).toEqual(rowsBefore);
    });
  });
});
