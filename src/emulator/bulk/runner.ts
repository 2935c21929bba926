import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import { customerObject, orderObject, productObject } from "../admin/objects";
import { customerView, orderView, productView } from "../admin/sources";
import type { EmulatorState, ShopState } from "../state";
import type { WebhookService } from "../webhooks/service";
import type { BulkPlan } from "./plan";
import { allChildren, project } from "./project";
import type { BulkOperationState } from "./types";

let nextId = 7_100_000_000_000;
/** Root objects between checks for cancellation, failure injection and pacing. */
const BATCH = 250;
const FLUSH_BYTES = 1 << 20;

/** Versions before 2026-01 allow one bulk query at a time per app and shop; later ones five. */
export function concurrencyLimit(version: string): number {
  return version === "unstable" || version >= "2026-01" ? 5 : 1;
}

export const bulkGid = (id: number) => `gid://shopify/BulkOperation/${id}`;

class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly out: WriteStream) {}
  push(line: string): void {
    this.buffer.push(line);
    this.size += line.length;
  }
  async flushIfFull(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(chunk);
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once("drain", () => r()));
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/**
 * Runs bulk query operations: the result is streamed to a JSONL file (nested connections as lines
 * of their own with __parentId) before the operation reports COMPLETED, as at Shopify; the file is
 * then served as a static download until its URL expires.
 */
export class BulkRunner {
  constructor(
    private readonly state: EmulatorState,
    private readonly dir: string,
    private readonly webhooks: WebhookService,
  ) {}

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

  private records(shop: ShopState, plan: BulkPlan) {
    const store = shop.store;
    const args = { query: plan.args.query as string | undefined, sortKey: plan.args.sortKey as string | undefined, reverse: plan.args.reverse as boolean | undefined };
    const toObject = (rec: unknown) =>
      plan.root === "orders" ? orderObject(store, rec as never) : plan.root === "customers" ? customerObject(store, rec as never) : productObject(store, rec as never);
    const view = plan.root === "orders" ? orderView(store, args) : plan.root === "customers" ? customerView(store, args) : productView(store, args);
    return { source: view.source as { walk: (from: null, dir: 1) => Iterable<{ node: unknown }> }, toObject };
  }

  private async run(shop: ShopState, op: BulkOperationState, plan: BulkPlan, groupObjects: boolean): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `bulk-${op.id}.jsonl`);
    const writer = new LineWriter(createWriteStream(file));
    const failWith = shop.faults.bulkFailure;
    const { source, toObject } = this.records(shop, plan);
    const speed = this.state.limits.bulkObjectsPerSecond;
    const started = performance.now();
    op.status = "RUNNING";
    let pending: string[] = [];
    let sinceYield = 0;
    const total = plan.root === "orders" ? shop.store.orderTotal : plan.root === "customers" ? shop.store.customerSlots : shop.store.products.length;

    for (const { node } of source.walk(null, 1)) {
      const obj = toObject(node) as Record<string, unknown>;
      const line = project(obj, plan.plan);
      writer.push(JSON.stringify(line) + "\n");
      // Children go out after the next parent unless grouped: consumers must join on __parentId.
      if (!groupObjects) for (const l of pending) writer.push(l);
      pending = [];
      for (const child of plan.plan.children) {
        for (const c of allChildren(obj, child.name, child.args)) {
          const childLine = JSON.stringify({ ...project(c, child.plan), __parentId: line.id }) + "\n";
          if (groupObjects) writer.push(childLine);
          else pending.push(childLine);
          op.objectCount++;
        }
      }
      op.objectCount++;
      op.rootObjectCount++;
      if (++sinceYield >= BATCH) {
        sinceYield = 0;
        await writer.flushIfFull();
        if (op.cancelRequested) return this.finish(shop, op, writer, file, "CANCELED");
        if (failWith && op.rootObjectCount >= total / 2) return this.finish(shop, op, writer, file, "FAILED", failWith);
        const ahead = op.objectCount / speed - (performance.now() - started) / 1000;
        if (ahead > 0) await sleep(ahead * 1000);
        else await yieldToLoop();
      }
    }
    for (const l of pending) writer.push(l);
    if (failWith) return this.finish(shop, op, writer, file, "FAILED", failWith);
    return this.finish(shop, op, writer, file, "COMPLETED");
  }

  private async finish(shop: ShopState, op: BulkOperationState, writer: LineWriter, file: string, status: "COMPLETED" | "FAILED" | "CANCELED", errorCode?: string): Promise<void> {
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
  download(shop: ShopState, id: number, partial: boolean): { stream: NodeJS.ReadableStream; size: number } | { error: number; message: string } {
    const op = shop.bulkOperations.find((o) => o.id === id);
    const file = partial ? op?.partialFile : op?.file;
    if (!op || !file) return { error: 404, message: "NoSuchKey: The specified key does not exist." };
    if (op.urlExpiresAt !== null && op.urlExpiresAt <= this.state.clock()) return { error: 400, message: "ExpiredToken: The provided token has expired. Request signature expired." };
    return { stream: createReadStream(file), size: op.fileSize ?? 0 };
  }
}
