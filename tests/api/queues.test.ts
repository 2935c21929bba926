import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { QUEUE_ACTIVITY_CHANNEL } from "~/server/services/queues/activity";
import type { QueueHealth } from "~/server/services/queues/health";
import { startWorkers, type RunningWorkers } from "~/workers/runtime";
import { callerFor, createUser, eventually, servicesReady, testInfra } from "../helpers/context";

/** A server-side caller sees tracked() envelopes as [id, data]. */
function syncCompleted(value: unknown): number {
  const [, queues] = value as [string, QueueHealth[]];
  return queues.find((q) => q.name === "sync")!.counts.completed;
}

describe.skipIf(!servicesReady)("queue health procedures", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ownerUser: Awaited<ReturnType<typeof createUser>>;
  let owner: ReturnType<typeof callerFor>;
  let other: ReturnType<typeof callerFor>;
  let brand: { slug: string; id: string };
  let otherBrand: { slug: string; id: string };

  beforeAll(async () => {
    // No heartbeat within these tests: a live snapshot can only come from activity.
    process.env.LIVE_HEARTBEAT_MS = "3600000";
    resetEnvCache();
    infra = testInfra();
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["sync", "analysis"], graceMs: 1_000 });
    // Probes are for instance administrators (they occupy shared workers).
    ownerUser = await createUser("q-owner", { instanceAdmin: true });
    owner = callerFor(ownerUser, infra);
    other = callerFor(await createUser("q-other", { instanceAdmin: true }), infra);
    brand = await owner.brands.create({ name: "Queue Brand" });
    otherBrand = await other.brands.create({ name: "Other Queue Brand" });
  });
  afterAll(async () => {
    await workers.stop();
    await infra.close();
    delete process.env.LIVE_HEARTBEAT_MS;
    resetEnvCache();
  });

  it("runs a probe to completion and shows it in the counts and throughput", async () => {
    const { jobId } = await owner.queues.probe({ brand: brand.slug, queue: "sync", durationMs: 20 });
    await eventually(async () => (await infra.queue.getJob("sync", jobId))?.finishedAt, { label: "probe completion" });
    const health = await owner.queues.health({ brand: brand.slug });
    const sync = health.find((q) => q.name === "sync")!;
    expect(sync.counts.completed).toBe(1);
    expect(sync.completedPerMinute.reduce((a, b) => a + b, 0)).toBe(1);
    expect(sync.latency.sampled).toBe(1);
    expect(sync.latency.runP50Ms).toBeGreaterThanOrEqual(15);
    expect(health.map((q) => q.name)).toEqual(["ingestion", "sync", "automation", "campaign", "send", "analysis"]);
  });

  it("shows a brand only its own failed jobs, and lets only that brand retry or discard them", async () => {
    const mine = await owner.queues.probe({ brand: brand.slug, queue: "analysis", fail: true });
    const theirs = await other.queues.probe({ brand: otherBrand.slug, queue: "analysis", fail: true });
    await eventually(async () => (await owner.queues.failed({ brand: brand.slug })).jobs.length === 1, { label: "failed job" });
    await eventually(async () => (await other.queues.failed({ brand: otherBrand.slug })).jobs.length === 1, { label: "other failed job" });

    const { jobs: [failed] } = await owner.queues.failed({ brand: brand.slug });
    expect(failed).toMatchObject({ queue: "analysis", id: mine.jobId, name: "probe", attemptsMade: 1 });
    expect(failed!.error).toBe(`Probe ${mine.probeId} failed on request`);
    expect(failed!.stack).toContain("runProbe");

    // Another brand's job id reads as missing: no error text, no existence leak.
    await expect(owner.queues.retry({ brand: brand.slug, queue: "analysis", jobId: theirs.jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.queues.discard({ brand: brand.slug, queue: "analysis", jobId: theirs.jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await other.queues.discard({ brand: otherBrand.slug, queue: "analysis", jobId: theirs.jobId });
    expect(await infra.queue.getJob("analysis", theirs.jobId)).toBeNull();

    await owner.queues.retry({ brand: brand.slug, queue: "analysis", jobId: mine.jobId });
    // It fails again (the probe was asked to), so it returns to the failed list with a second attempt.
    await eventually(async () => (await owner.queues.failed({ brand: brand.slug })).jobs[0]?.attemptsMade === 2, { label: "retried attempt" });
  });

  it("streams a snapshot at once and another when a worker reports activity", async () => {
    const controller = new AbortController();
    const stream = await callerFor(ownerUser, infra, { signal: controller.signal }).queues.live({ brand: brand.slug });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    const before = syncCompleted(first.value);

    const { jobId } = await owner.queues.probe({ brand: brand.slug, queue: "sync" });
    // The heartbeat is an hour away, so every snapshot read here was brought by activity (the
    // enqueue, the job starting, completing); read until one shows the completion. Were activity
    // not followed, the stream would stay silent, and the guard below ends it with a clear failure.
    const guard = setTimeout(() => controller.abort(), 20_000);
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new Error("No snapshot showed the completed probe: the stream did not follow the worker's activity");
        if (syncCompleted(next.value) === before + 1) break;
      }
    } finally {
      clearTimeout(guard);
    }
    expect((await infra.queue.getJob("sync", jobId))?.finishedAt).toBeGreaterThan(0);
    controller.abort();
    await iterator.return?.();
  });

  it("lets only instance administrators pause a queue", async () => {
    const member = callerFor(await createUser("q-member"), infra);
    await expect(member.queues.pause({ queue: "send" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = callerFor(await createUser("instance-admin", { instanceAdmin: true }), infra);
    const received: unknown[] = [];
    const unsubscribe = await infra.pubsub.subscribe(QUEUE_ACTIVITY_CHANNEL, (m) => received.push(m));
    await admin.queues.pause({ queue: "send" });
    expect((await owner.queues.health({ brand: brand.slug })).find((q) => q.name === "send")!.paused).toBe(true);
    await admin.queues.resume({ queue: "send" });
    expect((await owner.queues.health({ brand: brand.slug })).find((q) => q.name === "send")!.paused).toBe(false);
    await eventually(async () => received.length >= 2, { label: "pause announcements" });
    await unsubscribe();
  });

  it("shows brand members their brand's figures only; the whole instance is for instance administrators", async () => {
    const analystUser = await createUser("q-analyst");
    const scoped = await owner.brands.create({ name: "Scoped Queue Brand" });
    const neighbour = await other.brands.create({ name: "Neighbour Queue Brand" });
    await owner.members.invite({ brand: scoped.slug, email: analystUser.email, role: "analyst" }).then(({ url }) =>
      callerFor(analystUser, infra).invitations.accept({ token: url.split("/").pop()! }),
    );
    const analyst = callerFor(analystUser, infra);
    // Paused, so the jobs stay waiting where they can be counted.
    await infra.queue.pause("campaign");
    try {
      await owner.queues.probe({ brand: scoped.slug, queue: "campaign" });
      for (let i = 0; i < 3; i++) await other.queues.probe({ brand: neighbour.slug, queue: "campaign" });
      const campaign = (health: QueueHealth[]) => health.find((q) => q.name === "campaign")!.counts.waiting;
      expect(campaign(await analyst.queues.health({ brand: scoped.slug }))).toBe(1);
      expect(campaign(await other.queues.health({ brand: neighbour.slug }))).toBe(3);
      expect(campaign(await owner.queues.health({ brand: scoped.slug, scope: "instance" }))).toBeGreaterThanOrEqual(4);
      await expect(analyst.queues.health({ brand: scoped.slug, scope: "instance" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(analyst.queues.live({ brand: scoped.slug, scope: "instance" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await infra.queue.resume("campaign");
    }
  });

  it("pages a brand's failed jobs across queues with a cursor, newest first, none missed or repeated", async () => {
    const paged = await owner.brands.create({ name: "Paged Failures Brand" });
    const noise = await other.brands.create({ name: "Noisy Failures Brand" });
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      mine.push((await owner.queues.probe({ brand: paged.slug, queue: i % 2 ? "sync" : "analysis", fail: true })).jobId);
      await other.queues.probe({ brand: noise.slug, queue: "analysis", fail: true });
    }
    await eventually(async () => (await owner.queues.failed({ brand: paged.slug, limit: 100 })).jobs.length === 5, { label: "five failed jobs" });
    const seen: string[] = [];
    let cursor: { at: number; id: string } | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof owner.queues.failed>> = await owner.queues.failed({ brand: paged.slug, limit: 2, cursor });
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id));
      const times = page.jobs.map((j) => j.failedAt);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...mine].sort());
  });
});
