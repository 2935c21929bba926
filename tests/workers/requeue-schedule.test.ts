import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { webhookDeliveries } from "~/server/db/schema";
import { closeInfra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { startWorkers } from "~/workers/runtime";
import { eventually, processInfra, servicesReady } from "../helpers/context";

describe.skipIf(!servicesReady)("the webhook re-queue schedule of the ingestion workers", () => {
  afterAll(() => closeInfra());

  it("runs as startWorkers registers it and queues a delivery that was recorded but never queued", { timeout: 90_000 }, async () => {
    const infra = processInfra();
    // Recorded two minutes ago while Redis was down: a row, and no job.
    const [row] = await getDb()
      .insert(webhookDeliveries)
      .values({ shopDomain: `requeue-${randomUUID().slice(0, 8)}.myshopify.com`, topic: "shop/update", webhookId: randomUUID(), eventId: randomUUID(), payload: { id: 1 }, receivedAt: new Date(Date.now() - 120_000) })
      .returning();
    expect(await infra.queue.getJob("ingestion", `webhook-${row!.id}`)).toBeNull();

    const workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion"], graceMs: 500 });
    try {
      // The schedule's first run re-queues it, and the same workers then process it. The schedule is
      // pg-boss cron (every minute): its first pass after the schedule exists sends the current
      // minute's job, within about cronWorkerIntervalSeconds (5 s) of a worker's start.
      const job = await eventually(async () => (await infra.queue.getJob("ingestion", `webhook-${row!.id}`))?.finishedAt && infra.queue.getJob("ingestion", `webhook-${row!.id}`), {
        timeoutMs: 60_000,
        label: "the re-queued delivery to be processed",
      });
      expect(job).toMatchObject({ name: "shopifyWebhook", data: { deliveryId: row!.id } });
      const [after] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row!.id));
      expect(after!.error).toBe("No handler for shop/update yet; kept for later");
    } finally {
      await workers.stop();
    }
  });
});
