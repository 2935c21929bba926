export interface Lock {
  readonly key: string;
  /** Extends the lease; false when the lock was lost (expired and taken by someone else). */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

/** Mutual exclusion with a lease, so a crashed holder never blocks forever. */
export interface LockPort {
  readonly backend: "redis" | "postgres";
  /** Null when somebody else holds it. */
  tryAcquire(key: string, ttlMs: number): Promise<Lock | null>;
  /** Waits up to waitMs for the lock, runs fn, releases. Throws LockTimeoutError when it never got it. */
  withLock<T>(key: string, opts: { ttlMs: number; waitMs: number }, fn: (lock: Lock) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class LockTimeoutError extends Error {
  constructor(key: string, waitMs: number) {
    super(`Could not acquire lock "${key}" within ${waitMs} ms`);
    this.name = "LockTimeoutError";
  }
}

/** Shared retry loop for adapters: poll tryAcquire with jittered backoff until waitMs passes. */
export async function acquireWithin(port: Pick<LockPort, "tryAcquire">, key: string, ttlMs: number, waitMs: number): Promise<Lock> {
  const deadline = Date.now() + waitMs;
  let delay = 10;
  for (;;) {
    const lock = await port.tryAcquire(key, ttlMs);
    if (lock) return lock;
    if (Date.now() >= deadline) throw new LockTimeoutError(key, waitMs);
    await new Promise((r) => setTimeout(r, Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
}

/** withLock for every adapter: acquire within waitMs, run, release whatever happened. */
export async function runLocked<T>(port: Pick<LockPort, "tryAcquire">, key: string, opts: { ttlMs: number; waitMs: number }, fn: (lock: Lock) => Promise<T>): Promise<T> {
  const lock = await acquireWithin(port, key, opts.ttlMs, opts.waitMs);
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => {});
  }
}
