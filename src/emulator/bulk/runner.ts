import { createReadStream, createWriteStream, statSync, type WriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import os from "node:os";
import { type Readable, Transform } from "node:stream";
import { Worker } from "node:worker_threads";
import { customerView, orderView, productView } from "../admin/sources";
import type { StoreSnapshot } from "../store/shop-store";
import type { EmulatorState, ShopState } from "../state";
import type { WebhookService } from "../webhooks/service";
import { BulkHold } from "./hold";
import type { BulkPlan } from "./plan";
import { type Indices, serializeBatch, splitIndices } from "./serialize";
import type { BulkOperationState } from "./types";

let nextId = 7_100_000_000_000;
/**
 * Root objects per batch: the unit of serialization, and of checks for cancellation, failure and
 * pacing. The same inline and on workers, so both write the same bytes.
 */
const BATCH = 500;
/** Exports this large are serialized on worker threads. */
const PARALLEL_FROM = 20_000;

/** Versions before 2026-01 allow one bulk query at a time per app and shop; later ones five. */
export function concurrencyLimit(version: string): number {
  return version === "unstable" || version >= "2026-01" ? 5 : 1;
}

export const bulkGid = (id: number) => `gid://shopify/BulkOperation/${id}`;

/** Passes a JSONL stream through with line `n` (1-based) broken: its first byte becomes '#'. */
function malformLine(n: number): Transform {
  let line = 1;
  let atLineStart = true;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (let i = 0; i < chunk.length && line <= n; i++) {
        if (atLineStart && line === n) chunk[i] = 0x23;
        atLineStart = chunk[i] === 0x0a;
        if (atLineStart) line++;
      }
      done(null, chunk);
    },
  });
}

/** Lines (newlines) in the first `end` bytes of a file: where a ranged download starts. */
async function countLines(file: string, end: number): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file, { end: end - 1 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
  }
  return lines;
}

/** Appends chunks to the result file, waiting for the disk when it falls behind. */
class ChunkWriter {
  bytes = 0;
  constructor(private readonly out: WriteStream) {}
  async write(chunk: string | Uint8Array): Promise<void> {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once("drain", () => r()));
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

interface BatchResult {
  chunk: string | Uint8Array;
  objects: number;
  roots: number;
}

/**
 * Serializes batches on worker threads (one per core), handing results back in order. The window
 * of batches in flight bounds memory whatever the store's size.
 */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();

  constructor(size: number, data: { snapshot: StoreSnapshot; plan: BulkPlan; groupObjects: boolean }) {
    const fromSource = import.meta.url.endsWith(".ts");
    const entry = new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url);
    this.workers = Array.from({ length: size }, () => {
      // A small heap keeps the garbage of serialization collected early: memory stays flat.
      // Default heap limits: capping them (tried 64–256 MB) cost 10–15% throughput in GC for ~100 MB less peak memory.
      const w = new Worker(entry, { workerData: data, execArgv: fromSource ? ["--import", "tsx"] : [] });
      w.on("message", (msg: { seq: number; buffer: ArrayBuffer; objects: number; roots: number }) => {
        const waiter = this.waiting.get(msg.seq);
        this.waiting.delete(msg.seq);
        waiter?.resolve({ chunk: new Uint8Array(msg.buffer), objects: msg.objects, roots: msg.roots });
      });
      w.on("error", (err) => {
        for (const waiter of this.waiting.values()) waiter.reject(err);
        this.waiting.clear();
      });
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  submit(seq: number, indices: Indices): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length]!.postMessage({ seq, indices });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Runs bulk query operations: the result is streamed to a JSONL file (nested connections as lines
 * of their own with __parentId) before the operation reports COMPLETED, as at Shopify; the file is
 * then served as a static download until its URL expires.
 */
export class BulkRunner {
  private readonly holds = new Map<string, BulkHold>();

  constructor(
    private readonly state: EmulatorState,
    private readonly dir: string,
    private readonly webhooks: WebhookService,
  ) {}

  /** The shop's hold points for exports and downloads (see BulkHold). */
  hold(shop: ShopState): BulkHold {
    let hold = this.holds.get(shop.domain);
    if (!hold) this.holds.set(shop.domain, (hold = new BulkHold()));
    return hold;
  }

  /** bulkOperationCancel: the writer stops at its next batch (or at once, if held). */
  cancel(shop: ShopState, op: BulkOperationState): void {
    op.cancelRequested = true;
    op.status = "CANCELING";
    this.holds.get(shop.domain)?.cancel(op);
  }

  running(shop: ShopState, clientId: string): BulkOperationState[] {
    return shop.bulkOperations.filter((op) => op.clientId === clientId && (op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING"));
  }

  start(shop: ShopState, clientId: string, plan: BulkPlan, query: string, groupObjects: boolean): BulkOperationState {
    const op: BulkOperationState = {
      id: nextId++,
      clientId,
      query,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      createdAt: this.state.clock(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      file: null,
      partialFile: null,
      urlExpiresAt: null,
      cancelRequested: false,
    };
    shop.bulkOperations.push(op);
    void this.run(shop, op, plan, groupObjects).catch((err: Error) => {
      op.status = "FAILED";
      op.errorCode = "INTERNAL_SERVER_ERROR";
      op.completedAt = this.state.clock();
      console.error(`bulk operation ${op.id} failed: ${err.message}`);
    });
    return op;
  }

  /** Status as a client sees it now (a COMPLETED result whose URL expired reads EXPIRED). */
  view(op: BulkOperationState): BulkOperationState {
    if (op.status === "COMPLETED" && op.urlExpiresAt !== null && op.urlExpiresAt <= this.state.clock()) return { ...op, status: "EXPIRED" };
    return op;
  }

  /** The root records' indices in export order. */
  private exportOrder(shop: ShopState, plan: BulkPlan): Indices {
    const args = { query: plan.args.query as string | undefined, sortKey: plan.args.sortKey as string | undefined, reverse: plan.args.reverse as boolean | undefined };
    const store = shop.store;
    const view = plan.root === "orders" ? orderView(store, args) : plan.root === "customers" ? customerView(store, args) : productView(store, args);
    const indices = view.indices;
    if (!args.reverse) return indices;
    return Array.isArray(indices) ? [...indices].reverse() : Array.from({ length: indices.hi - indices.lo }, (_, k) => indices.hi - 1 - k);
  }

  private async run(shop: ShopState, op: BulkOperationState, plan: BulkPlan, groupObjects: boolean): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `bulk-${op.id}.jsonl`);
    // A deep write buffer: waiting for "drain" after every chunk would stall the hand-off from the workers.
    const writer = new ChunkWriter(createWriteStream(file, { highWaterMark: 32 << 20 }));
    const failWith = shop.faults.bulkFailure;
    const order = this.exportOrder(shop, plan);
    const totalRoots = Array.isArray(order) ? order.length : order.hi - order.lo;
    const speed = this.state.limits.bulkObjectsPerSecond;
    const threads = plan.root !== "products" && totalRoots >= PARALLEL_FROM ? Math.min(this.state.limits.bulkThreads, os.availableParallelism()) : 0;
    const batches = splitIndices(order, BATCH);
    const pool = threads ? new WorkerPool(threads, { snapshot: shop.store.snapshot(), plan, groupObjects }) : null;
    const window = pool ? pool.size * 8 : 1;
    const inFlight: Promise<BatchResult>[] = [];
    const produce = (seq: number): Promise<BatchResult> => {
      if (pool) return pool.submit(seq, batches[seq]!);
      const b = serializeBatch(shop.store, plan, batches[seq]!, groupObjects);
      return Promise.resolve({ chunk: b.text, objects: b.objects, roots: b.roots });
    };
    const started = performance.now();
    op.status = "RUNNING";
    try {
      for (let seq = 0; seq < Math.min(window, batches.length); seq++) inFlight[seq] = produce(seq);
      for (let seq = 0; seq < batches.length; seq++) {
        const result = await inFlight[seq]!;
        delete inFlight[seq];
        if (seq + window < batches.length) inFlight[seq + window] = produce(seq + window);
        await writer.write(result.chunk);
        op.objectCount += result.objects;
        op.rootObjectCount += result.roots;
        // Report no faster than the configured speed, so progress can be watched.
        const ahead = op.objectCount / speed - (performance.now() - started) / 1000;
        if (ahead > 0) await sleep(ahead * 1000);
        else if (!pool) await yieldToLoop();
        await this.holds.get(shop.domain)?.atBatch(op);
        if (op.cancelRequested) return await this.finish(shop, op, writer, file, "CANCELED");
        if (failWith && op.rootObjectCount >= totalRoots / 2) return await this.finish(shop, op, writer, file, "FAILED", failWith);
      }
      return await this.finish(shop, op, writer, file, failWith ? "FAILED" : "COMPLETED", failWith ?? undefined);
    } finally {
      await pool?.close();
    }
  }

  private async finish(shop: ShopState, op: BulkOperationState, writer: ChunkWriter, file: string, status: "COMPLETED" | "FAILED" | "CANCELED", errorCode?: string): Promise<void> {
    await writer.close();
    const size = (await stat(file)).size;
    if (status === "COMPLETED") {
      op.file = file;
      op.fileSize = size;
      op.urlExpiresAt = this.state.clock() + this.state.limits.bulkUrlTtlSeconds * 1000;
    } else if (status === "FAILED" && size > 0) {
      op.partialFile = file;
      op.urlExpiresAt = this.state.clock() + this.state.limits.bulkUrlTtlSeconds * 1000;
    } else {
      await rm(file, { force: true });
    }
    op.errorCode = errorCode ?? null;
    op.completedAt = this.state.clock();
    op.status = status;
    this.webhooks.trigger(shop, "bulk_operations/finish", {
      admin_graphql_api_id: bulkGid(op.id),
      completed_at: new Date(op.completedAt).toISOString(),
      created_at: new Date(op.createdAt).toISOString(),
      error_code: op.errorCode?.toLowerCase() ?? null,
      status: status.toLowerCase(),
      type: "query",
    }, op.clientId);
  }

  /** The result file as a download, or why not. */
  download(shop: ShopState, id: number, partial: boolean, start = 0): { stream: Readable; size: number; start: number } | { error: number; message: string } {
    const op = shop.bulkOperations.find((o) => o.id === id);
    const file = partial ? op?.partialFile : op?.file;
    if (!op || !file) return { error: 404, message: "NoSuchKey: The specified key does not exist." };
    if (op.urlExpiresAt !== null && op.urlExpiresAt <= this.state.clock()) return { error: 400, message: "ExpiredToken: The provided token has expired. Request signature expired." };
    const size = statSync(file).size;
    if (start > size) return { error: 416, message: "InvalidRange: The requested range is not satisfiable" };
    const file$ = createReadStream(file, { start });
    const bad = shop.faults.bulkMalformedLine;
    let stream: Readable = bad && start === 0 ? file$.pipe(malformLine(bad)) : file$;
    const hold = this.holds.get(shop.domain);
    if (hold?.settings.downloadAfterLines != null) stream = stream.pipe(hold.downloadGate(op.id, start ? countLines(file, start) : Promise.resolve(0)));
    if (stream !== file$) stream.on("close", () => file$.destroy());
    return { stream, size, start };
  }
}
