import type { LRUCache } from "lru-cache";
import { createListener } from "../pubsub/listener";
import type { PubSubPort } from "../pubsub/port";

/** Where every process announces the keys and prefixes it deleted. */
export const CACHE_CHANGES_CHANNEL = "cache:changes";

export interface CacheChange {
  keys?: string[];
  prefixes?: string[];
}

/**
 * How in-process copies of cached values (the near cache, the memory cache) stay true across
 * processes: each process announces its deletes on the pub/sub port, gathered per tick (a worker's
 * batch deleting 2,000 pages is one message), and every process drops what it holds of them.
 */
export interface Invalidation {
  /** Whether this process hears announcements now; copies may be served only while it does. Starts listening. */
  listening(): boolean;
  /** Resolves once the current attempt to listen settles: whether announcements are heard. */
  ready(): Promise<boolean>;
  /** Moves with every announcement heard: a read that spanned one must not be kept. */
  epoch(): number;
  /**
   * Drops the change here at once and announces it; resolves once the announcement is out, so a
   * change published after it cannot overtake it. Publishing failures go to onError, never to the caller.
   */
  announce(change: CacheChange): Promise<void>;
  close(): Promise<void>;
}

/** Removes the change's keys and prefixes from a local copy; how many entries went. */
export function dropChange(local: LRUCache<string, string>, change: CacheChange): number {
  let removed = 0;
  for (const key of change.keys ?? []) if (local.delete(key)) removed++;
  for (const prefix of change.prefixes ?? []) {
    for (const key of [...local.keys()]) if (key.startsWith(prefix) && local.delete(key)) removed++;
  }
  return removed;
}

export function createInvalidation(pubsub: PubSubPort, drop: (change: CacheChange) => void, opts: { onError?: (err: unknown) => void } = {}): Invalidation {
  let epoch = 0;
  const changes = createListener(
    pubsub,
    CACHE_CHANGES_CHANNEL,
    (message) => {
      epoch++;
      const change = (message ?? {}) as CacheChange;
      drop({ keys: Array.isArray(change.keys) ? change.keys : [], prefixes: Array.isArray(change.prefixes) ? change.prefixes : [] });
    },
    {
      onError: opts.onError,
      // Announcements may have been missed while the subscription was away: nothing held here can be trusted.
      onResume: () => {
        epoch++;
        drop({ keys: [], prefixes: [""] });
      },
    },
  );

  let pending: { change: Required<CacheChange>; sent: Promise<void> } | undefined;
  function announce(change: CacheChange): Promise<void> {
    drop(change);
    if (!pending) {
      const gathered: Required<CacheChange> = { keys: [], prefixes: [] };
      const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending = undefined;
        return pubsub.publish(CACHE_CHANGES_CHANNEL, gathered).catch((err: unknown) => opts.onError?.(err));
      });
      pending = { change: gathered, sent };
    }
    pending.change.keys.push(...(change.keys ?? []));
    pending.change.prefixes.push(...(change.prefixes ?? []));
    return pending.sent;
  }

  return {
    listening: () => changes.listening(),
    ready: () => changes.ready(),
    epoch: () => epoch,
    announce,
    close: () => changes.close(),
  };
}
