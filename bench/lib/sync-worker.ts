/**
 * The sync worker's side of `npm run bench -- sync`, in a process of its own (so its peak RSS is
 * its own): ingests the three bulk results of a run exactly as the `bulk_*` jobs do — streamed
 * download, staging with COPY, chunked promotion — all three at once, as the worker's concurrency
 * allows. Prints one JSON line.
 */
import { createDb } from "../../src/server/db/client";
import type { SyncEntity } from "../../src/server/db/schema";
import { ENTITY_DEFS } from "../../src/server/services/sync/bulk/entities";
import { dropStaging, ingestBulkResult } from "../../src/server/services/sync/bulk/ingest";

const input = JSON.parse(process.argv[2]!) as { brandId: string; storeId: string; steps: { id: string; entity: SyncEntity; url: string }[] };
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 10 });

const baselineRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
let peakHeapMb = 0;
const sampler = setInterval(() => (peakHeapMb = Math.max(peakHeapMb, Math.round(process.memoryUsage().heapUsed / 2 ** 20))), 100);
const started = performance.now();
const perEntity: Record<string, number> = {};
await Promise.all(
  input.steps.map(async (step) => {
    const def = ENTITY_DEFS[step.entity];
    const t0 = performance.now();
    await ingestBulkResult(
      { db, sql },
      { id: step.id, brandId: input.brandId, storeId: input.storeId, resultUrl: step.url },
      def,
    );
    perEntity[step.entity] = Math.round(performance.now() - t0);
    await dropStaging(sql, step.id, def);
  }),
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await sql.end();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ seconds, cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), perEntityMs: perEntity, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), baselineRssMb, peakHeapMb }));
