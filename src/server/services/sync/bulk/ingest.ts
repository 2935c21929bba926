import type { Db, Sql } from "../../../db/client";
import type { ProgressTicker } from "../progress";
import { numericId } from "../queries";
import { advance, promotedRoots, readChunks, recordPromotedChunk, recordStagedChunk, rewindStep } from "../state";
import { ChunkRows, type EntityDef, MalformedLineError } from "./entities";
import { copyChunk, createStaging, discardChunksAfter, dropStaging, hasChunk, promoteChunk } from "./staging";

/** Result lines per chunk (default): the unit of a staging transaction and of a promotion transaction. */
export const CHUNK_LINES = 100_000;
/** Chunks staged ahead of promotion at most (bounds memory and the work redone after a crash). */
const AHEAD = 2;
/** Chunks promoted at once. */
const PROMOTERS = 2;

export interface IngestStep {
  id: string;
  brandId: string;
  storeId: string;
  resultUrl: string;
}

export interface IngestDeps {
  db: Db;
  sql: Sql;
  /** Told after each commit that changes the step's progress (ticks) or phase (flushes). */
  progress?: ProgressTicker;
  /** Result lines per chunk (CHUNK_LINES unless told). */
  chunkLines?: number;
}

/** The result URL has expired or is gone: a new bulk operation is needed. */
export class ResultGoneError extends Error {
  constructor(status: number) {
    super(`The bulk result could not be downloaded (HTTP ${status}); the export will be run again`);
    this.name = "ResultGoneError";
  }
}

/** A bounded hand-off with back-pressure between pipeline stages. */
class Channel<T> {
  private items: T[] = [];
  private closed = false;
  private failed: unknown = null;
  private waiters: (() => void)[] = [];
  constructor(private readonly capacity: number) {}
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  private wait() {
    return new Promise<void>((r) => this.waiters.push(r));
  }
  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.failed) await this.wait();
    if (this.failed) throw this.failed;
    this.items.push(item);
    this.wake();
  }
  /** The next item, or undefined once closed and drained. */
  async take(): Promise<T | undefined> {
    while (!this.items.length && !this.closed && !this.failed) await this.wait();
    if (this.failed) throw this.failed;
    const item = this.items.shift();
    this.wake();
    return item;
  }
  close() {
    this.closed = true;
    this.wake();
  }
  fail(err: unknown) {
    this.failed ??= err;
    this.wake();
  }
}

interface ResumePoint {
  seq: number;
  line: number;
  byte: number;
}

/**
 * Where to pick up: after the last chunk of the unbroken run of promoted ones (promoters finish out
 * of order). Later chunks are discarded and staged again — at most AHEAD + PROMOTERS of them, and
 * promoting one twice is harmless; if Postgres lost the staging tables (crash), everything is
 * staged again.
 */
async function resumePoint(sql: Sql, step: IngestStep, def: EntityDef): Promise<ResumePoint> {
  const chunks = await readChunks(sql, step.id);
  let last = 0;
  while (last < chunks.length && chunks[last]!.promoted) last++;
  let done = chunks[last - 1];
  if (done && !(await hasChunk(sql, step.id, def, done.seq))) done = undefined;
  const seq = done?.seq ?? 0;
  await sql.begin(async (tx) => {
    await rewindStep(tx, step.id, done);
    await discardChunksAfter(tx, step.id, def, seq);
  });
  return { seq, line: done?.endLine ?? 0, byte: done?.endByte ?? 0 };
}

interface StagedChunk {
  seq: number;
  roots: number;
  endLine: number;
}

/**
 * Streams a bulk result into staging and promotes it, chunk by chunk, three stages overlapping:
 * this process parses the download into COPY rows while one connection COPYs the previous chunk
 * into staging and another promotes the one before that. Each chunk is staged in one transaction
 * and promoted in one; a malformed line fails the step before its chunk is staged, so nothing of
 * that chunk reaches production. Resumable from the last promoted chunk; memory is bounded by the
 * few chunks in flight, whatever the size of the result.
 */
export async function ingestBulkResult(deps: IngestDeps, step: IngestStep, def: EntityDef, opts: { signal?: AbortSignal } = {}): Promise<{ roots: number; lines: number }> {
  const { sql } = deps;
  // Each move is conditional: a step stopped meanwhile (uninstall) stops the import here.
  const phase = async (to: "downloading" | "staging" | "promoting") => {
    await advance(deps.db, step.id, to);
    deps.progress?.flush();
  };
  await createStaging(sql, step.id, def);
  const start = await resumePoint(sql, step, def);
  await phase("downloading");
  const res = await fetch(step.resultUrl, { headers: start.byte ? { range: `bytes=${start.byte}-` } : {}, signal: opts.signal });
  if (res.status === 400 || res.status === 403 || res.status === 404 || res.status === 410) throw new ResultGoneError(res.status);
  if (!res.ok || !res.body) throw new Error(`Downloading the bulk result failed: HTTP ${res.status}`);
  // A server that ignores Range sends the whole file: skip what is already staged by counting lines.
  const skipLines = start.byte && res.status !== 206 ? start.line : 0;
  const chunkLines = deps.chunkLines ?? CHUNK_LINES;
  await phase("staging");

  const toStage = new Channel<{ rows: ChunkRows; firstLine: number; endLine: number; endByte: number }>(1);
  const toPromote = new Channel<StagedChunk>(AHEAD);
  const immediate = def.tables.filter((t) => !def.deferred.includes(t.key));

  const stager = (async () => {
    try {
      for (let c = await toStage.take(); c; c = await toStage.take()) {
        await sql.begin(async (tx) => {
          // Safe to commit asynchronously: a chunk lost with a Postgres crash is staged again from the file.
          await tx`set local synchronous_commit = off`;
          await copyChunk(tx, step.id, def, c.rows);
          await recordStagedChunk(tx, step.id, { seq: c.rows.seq, firstLine: c.firstLine, endLine: c.endLine, endByte: c.endByte, roots: c.rows.roots, children: c.rows.children });
        });
        deps.progress?.tick();
        await toPromote.put({ seq: c.rows.seq, roots: c.rows.roots, endLine: c.endLine });
      }
      toPromote.close();
    } catch (err) {
      toPromote.fail(err);
      toStage.fail(err);
      throw err;
    }
  })();

  // Two promoters, so promotion (the heaviest stage) uses both of Postgres's cores. Chunks hold
  // different rows, so they rarely touch the same ones; a deadlock over a repeated row is retried.
  const promoteOne = async (c: StagedChunk) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.begin(async (tx) => {
          // Likewise: the chunk's promoted flag is lost with it, so it is promoted again.
          await tx`set local synchronous_commit = off`;
          await promoteChunk(tx, { stepId: step.id, def, tables: immediate, brandId: step.brandId, storeId: step.storeId, seq: c.seq });
          await recordPromotedChunk(tx, step.id, c);
        });
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== "40P01" || attempt >= 5) throw err;
      }
    }
  };
  const promoters = Array.from({ length: PROMOTERS }, async () => {
    try {
      for (let c = await toPromote.take(); c; c = await toPromote.take()) {
        await promoteOne(c);
        deps.progress?.tick();
      }
    } catch (err) {
      toPromote.fail(err);
      toStage.fail(err);
      throw err;
    }
  });
  const promoter = Promise.all(promoters);
  // Surfaced through the awaits below; these keep an early failure from being "unhandled".
  stager.catch(() => {});
  promoter.catch(() => {});

  let seq = start.seq;
  let line = start.line; // lines consumed so far (0-based index of the next line)
  let byte = start.byte;
  let skipped = 0;
  let chunkFirst = line;
  let rows = new ChunkRows(++seq, def.tables);
  const flush = async () => {
    if (line === chunkFirst) return;
    await toStage.put({ rows, firstLine: chunkFirst, endLine: line, endByte: byte });
    rows = new ChunkRows(++seq, def.tables);
    chunkFirst = line;
  };
  const handle = async (text: string) => {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new MalformedLineError(line + 1, `${(err as Error).message} (starts ${JSON.stringify(text.slice(0, 40))})`);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new MalformedLineError(line + 1, "not a JSON object");
    // The same root twice in one chunk (a repeated line): it goes to the next chunk, where the
    // updated_at guard decides, so a chunk's promotion needs no dedupe.
    if (obj.__parentId === undefined && typeof obj.id === "string" && !rows.claimRoot(numericId(obj.id))) {
      await flush();
      rows.claimRoot(numericId(obj.id));
    }
    def.stage(obj, rows, line + 1);
  };

  try {
    let carry: Buffer | null = null;
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      const buf: Buffer = carry ? Buffer.concat([carry, part]) : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      let pos = 0;
      for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
        if (skipped < skipLines) skipped++;
        else {
          if (nl > pos) await handle(buf.toString("utf8", pos, nl));
          line++;
          byte += nl + 1 - pos;
          if (line - chunkFirst >= chunkLines) await flush();
        }
        pos = nl + 1;
      }
      carry = pos < buf.length ? buf.subarray(pos) : null;
    }
    if (carry?.length) {
      await handle(carry.toString("utf8"));
      line++;
      byte += carry.length;
    }
    await flush();
    toStage.close();
    await stager;
    await phase("promoting");
    await promoter;
  } catch (err) {
    toStage.fail(err);
    toPromote.fail(err);
    await Promise.allSettled([stager, promoter]);
    throw err;
  }

  // Children that must wait for every parent (a variant can come before its product).
  const deferred = def.tables.filter((t) => def.deferred.includes(t.key));
  if (deferred.length) {
    for (let s = 1; s < seq; s++) {
      await sql.begin((tx) => promoteChunk(tx, { stepId: step.id, def, tables: deferred, brandId: step.brandId, storeId: step.storeId, seq: s }));
    }
  }
  return { roots: await promotedRoots(sql, step.id), lines: line };
}

export { dropStaging };
