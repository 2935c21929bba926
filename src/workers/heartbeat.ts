import { rename, writeFile } from "node:fs/promises";
import type { Sql } from "postgres";
import type { Infra } from "~/server/infra";
import type { Logger } from "~/server/logger";

/** How often the heartbeat is written; a check calls a worker dead after a few missed beats. */
export const HEARTBEAT_EVERY_MS = 10_000;

export interface Heartbeat {
  at: string;
  queues: string[];
  /** Where the queues run now: "redis", "degraded" (Redis away, on Postgres) or "postgres". */
  mode: string;
}

/**
 * A worker's liveness for a container health check, on either backend: every beat, once Postgres —
 * where every record and, without Redis, every queue lives — has answered, the process writes a small
 * JSON file (atomically: a temporary file renamed over it). The check reads the file's age, so it
 * asks nothing of Redis: a worker on Postgres while Redis is away is healthy. A process whose event
 * loop is stuck, or that cannot reach Postgres, stops beating.
 */
export function startHeartbeat(deps: { sql: Sql; infra: Infra; log: Logger }, opts: { file: string; queues: string[]; everyMs?: number }): () => void {
  let stopped = false;
  let failing = false;
  const beat = async () => {
    try {
      await deps.sql`select 1`;
      const heartbeat: Heartbeat = { at: new Date().toISOString(), queues: opts.queues, mode: deps.infra.mode() };
      const temporary = `${opts.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(heartbeat));
      await rename(temporary, opts.file);
      if (failing) deps.log.info({ file: opts.file }, "worker heartbeat written again");
      failing = false;
    } catch (err) {
      if (!failing) deps.log.warn({ err, file: opts.file }, "worker heartbeat not written");
      failing = true;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    void beat().finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.everyMs ?? HEARTBEAT_EVERY_MS);
    });
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
