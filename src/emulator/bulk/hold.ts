import { Transform, type TransformCallback } from "node:stream";
import type { BulkOperationState } from "./types";

/**
 * Holds a shop's bulk exports and result downloads at a chosen point until released, so a test can
 * look at a sync mid-way — the export RUNNING, a download half served — for as long as it needs,
 * instead of racing the clock:
 * - `bulkAfterObjects: n`: an export stops (still RUNNING, objectCount ≥ n) after the batch that
 *   reaches n objects, until the hold is lifted or raised (a cancel still ends it);
 * - `downloadAfterLines: n`: a result download stops after serving line n of the file (counted
 *   from the file's start, also for a `Range` request that resumes past earlier lines).
 * A held operation or download goes on when the setting is cleared or moved past it.
 */
export interface HoldSettings {
  bulkAfterObjects: number | null;
  downloadAfterLines: number | null;
}

export const NO_HOLD: HoldSettings = { bulkAfterObjects: null, downloadAfterLines: null };

interface Held {
  wake: () => void;
}

export interface HoldState extends HoldSettings {
  held: { bulk: { id: string; objectCount: number }[]; downloads: { operation: string; line: number }[] };
}

const gid = (id: number) => `gid://shopify/BulkOperation/${id}`;

export class BulkHold {
  settings: HoldSettings = { ...NO_HOLD };
  private readonly bulk = new Map<BulkOperationState, Held>();
  private readonly downloads = new Map<object, Held & { operation: number; line: number }>();
  private readonly watchers = new Set<() => void>();

  /** Changes the hold points; everything held re-checks against them. */
  set(patch: Partial<HoldSettings>): void {
    this.settings = { ...this.settings, ...patch };
    this.wakeAll();
  }

  clear(): void {
    this.set({ ...NO_HOLD });
  }

  state(): HoldState {
    return {
      ...this.settings,
      held: {
        bulk: [...this.bulk.keys()].map((op) => ({ id: gid(op.id), objectCount: op.objectCount })),
        downloads: [...this.downloads.values()].map((d) => ({ operation: gid(d.operation), line: d.line })),
      },
    };
  }

  /** Called by the export after each batch: waits here while the export is at or past the hold point. */
  async atBatch(op: BulkOperationState): Promise<void> {
    const holds = () => this.settings.bulkAfterObjects !== null && op.objectCount >= this.settings.bulkAfterObjects && !op.cancelRequested;
    while (holds()) {
      await new Promise<void>((wake) => {
        this.bulk.set(op, { wake });
        this.notify();
      });
      this.bulk.delete(op);
      this.notify();
    }
  }

  /** A cancel request ends the hold of that operation (it then stops at once). */
  cancel(op: BulkOperationState): void {
    this.bulk.get(op)?.wake();
  }

  /** Passes a download through, stopping after line `downloadAfterLines` while that hold stands. */
  downloadGate(operation: number, firstLine: Promise<number>): Transform {
    // The gate's own callbacks are the stream's methods, with the stream as `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const hold = this;
    const key = {};
    let line: number | undefined;
    const waitAt = async (at: number) => {
      while (!gate.destroyed && hold.settings.downloadAfterLines === at) {
        await new Promise<void>((wake) => {
          hold.downloads.set(key, { wake, operation, line: at });
          hold.notify();
        });
        hold.downloads.delete(key);
        hold.notify();
      }
    };
    const gate: Transform = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        void (async () => {
          line ??= await firstLine;
          let from = 0;
          for (let i = 0; i < chunk.length; i++) {
            if (chunk[i] !== 0x0a) continue;
            line++;
            if (hold.settings.downloadAfterLines !== line) continue;
            this.push(chunk.subarray(from, i + 1));
            from = i + 1;
            await waitAt(line);
            if (this.destroyed) return done();
          }
          done(null, chunk.subarray(from));
        })().catch((err: Error) => done(err));
      },
      destroy(err, done) {
        // A client that hung up is no longer held.
        const held = hold.downloads.get(key);
        hold.downloads.delete(key);
        held?.wake();
        hold.notify();
        done(err);
      },
    });
    return gate;
  }

  /** Resolves once at least this many exports and downloads are held; rejects after timeoutMs. */
  waitFor(want: { bulk?: number; downloads?: number }, timeoutMs: number): Promise<HoldState> {
    const reached = () => this.bulk.size >= (want.bulk ?? 0) && this.downloads.size >= (want.downloads ?? 0);
    if (reached()) return Promise.resolve(this.state());
    return new Promise((resolve, reject) => {
      const watcher = () => {
        if (!reached()) return;
        finish();
        resolve(this.state());
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Not held within ${timeoutMs} ms: wanted ${want.bulk ?? 0} export(s) and ${want.downloads ?? 0} download(s), held ${this.bulk.size} and ${this.downloads.size}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      this.watchers.add(watcher);
    });
  }

  private wakeAll(): void {
    for (const held of [...this.bulk.values(), ...this.downloads.values()]) held.wake();
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}
