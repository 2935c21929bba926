import type { Redis } from "ioredis";

/**
 * Whether Redis answers, as the process's shared command connection sees it: up while the
 * connection is ready, down from the moment it closes until it is ready again (ioredis reconnects on
 * its own). Every failover adapter asks this before each call, so calls go straight to Postgres
 * while Redis is away instead of waiting on it, and back to Redis as soon as it returns.
 */
export interface RedisLink {
  up(): boolean;
  /**
   * Resolves once the connection's first attempt has settled (ready or refused, at most a few
   * seconds): until then a process just started does not know yet, and sending its first calls to
   * Postgres would split a rate limit's count, or a lock, between the backends.
   */
  settled(): Promise<void>;
  /** Called on every change (true: Redis is back). Returns the unsubscribe. */
  onChange(listener: (up: boolean) => void): () => void;
  /** Why it is down, when it is. */
  lastError(): Error | undefined;
}

export function createRedisLink(connection: Redis, opts: { settleMs?: number } = {}): RedisLink {
  const listeners = new Set<(up: boolean) => void>();
  let up = connection.status === "ready";
  let lastError: Error | undefined;
  const settled = up
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.settleMs ?? 3_000);
        timer.unref();
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        for (const event of ["ready", "error", "end"]) connection.once(event, done);
      });
  const set = (next: boolean) => {
    if (next === up) return;
    up = next;
    for (const listener of listeners) listener(next);
  };
  connection.on("ready", () => {
    // Listeners still see why it was down.
    set(true);
    lastError = undefined;
  });
  connection.on("error", (err: Error) => (lastError = err));
  for (const event of ["close", "end", "reconnecting"]) connection.on(event, () => set(false));
  return {
    up: () => up && connection.status === "ready",
    settled: () => settled,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    lastError: () => lastError,
  };
}

/**
 * Runs `onRedis` while Redis is up, and `onPostgres` when it is not — or when the Redis call fails
 * because Redis went away meanwhile. An error while Redis stays up is the call's own and is thrown.
 */
export async function preferRedis<T>(link: RedisLink, onRedis: () => Promise<T>, onPostgres: () => Promise<T>): Promise<T> {
  if (!link.up()) await link.settled();
  if (link.up()) {
    try {
      return await onRedis();
    } catch (err) {
      if (link.up() && !isConnectionError(err)) throw err;
    }
  }
  return onPostgres();
}

/** ioredis's ways of saying the server is gone (the connection's status may lag a few ms behind). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === "MaxRetriesPerRequestError" || /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request/i.test(err.message);
}
