import postgres from "postgres";
import type { Sql } from "../../db/client";
import { type Lock, type LockPort, runLocked } from "./port";

interface Lease {
  state: "acquiring" | "held" | "gone";
  timer?: NodeJS.Timeout;
}

/**
 * One connection of the lock port's own, configured as the pool it comes from. postgres.js's own
 * listen() derives its connection this way (parsed options, spread): the `shared` object marks
 * them parsed. Never recycled by age or idleness, since that would drop the locks it holds.
 */
function dedicatedConnection(pool: Sql, onclose: () => void): Sql {
  const options = {
    ...pool.options,
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    onclose,
    connection: { ...pool.options.connection, application_name: `${pool.options.connection.application_name ?? "brandbase"}:lock` },
    shared: { retries: 0, typeArrayMap: {} },
  };
  return postgres(options as unknown as postgres.Options<Record<string, never>>);
}

/**
 * Session-level advisory locks, all held by one connection of the port's own, with the lease the
 * port promises kept by a timer here.
 *
 * A session's advisory locks die with it, so a killed process frees its locks at once. They cannot
 * live on the shared pool: a pooled query may run on any connection, and a connection reserved
 * from it cannot be watched, so once Postgres drops it postgres.js would write the unlock to a
 * closed socket (an uncaught TypeError). This connection reports its loss (`onclose`) and
 * reconnects on the next query; `sql` only lends its configuration.
 */
export function createPostgresLock(options: { sql: Sql; prefix: string }): LockPort {
  const held = new Map<string, Lease>();
  const sql = dedicatedConnection(options.sql, loseAll);
  const name = (key: string) => `${options.prefix}:lock:${key}`;

  /** The connection dropped: its session, and every lock it held, is gone. */
  function loseAll(): void {
    for (const [key, lease] of held) if (lease.state === "held") forget(key, lease);
  }

  function forget(key: string, lease: Lease): void {
    lease.state = "gone";
    clearTimeout(lease.timer);
    if (held.get(key) === lease) held.delete(key);
  }

  async function unlock(key: string, lease: Lease): Promise<void> {
    if (lease.state !== "held") return;
    lease.state = "gone";
    clearTimeout(lease.timer);
    await sql`select pg_advisory_unlock(hashtextextended(${name(key)}, 0))`.catch(() => {});
    forget(key, lease);
  }

  function arm(key: string, lease: Lease, ttlMs: number): void {
    clearTimeout(lease.timer);
    lease.timer = setTimeout(() => void unlock(key, lease), ttlMs);
    lease.timer.unref();
  }

  /** Whether this session holds the key in Postgres (false once the session was replaced by a reconnect). */
  async function holds(key: string): Promise<boolean> {
    const [row] = await sql<{ held: boolean }[]>`
      select exists (
        select 1 from pg_locks
        where locktype = 'advisory' and pid = pg_backend_pid() and granted and objsubid = 1
          and ((classid::int8 << 32) | objid::int8) = hashtextextended(${name(key)}, 0)
      ) as held`;
    return row?.held === true;
  }

  function handle(key: string, lease: Lease): Lock {
    return {
      key,
      async extend(ttlMs) {
        if (lease.state !== "held") return false;
        const still = await holds(key);
        if (lease.state !== "held") return false;
        if (!still) {
          forget(key, lease);
          return false;
        }
        arm(key, lease, ttlMs);
        return true;
      },
      release: () => unlock(key, lease),
    };
  }

  const port: LockPort = {
    backend: "postgres",
    async tryAcquire(key, ttlMs) {
      // Advisory locks are re-entrant within a session: this process's own holders are told apart here.
      if (held.has(key)) return null;
      const lease: Lease = { state: "acquiring" };
      held.set(key, lease);
      let ok = false;
      try {
        const [row] = await sql<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtextextended(${name(key)}, 0)) as ok`;
        ok = row?.ok === true;
      } finally {
        if (!ok) forget(key, lease);
      }
      if (!ok) return null;
      lease.state = "held";
      arm(key, lease, ttlMs);
      return handle(key, lease);
    },
    withLock: (key, opts, fn) => runLocked(port, key, opts, fn),
    async close() {
      await Promise.all([...held].map(([key, lease]) => unlock(key, lease)));
      await sql.end({ timeout: 5 });
    },
  };
  return port;
}
