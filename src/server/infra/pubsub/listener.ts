import type { PubSubPort } from "./port";

/**
 * A subscription a process starts on first need and keeps, for in-process copies that may be served
 * only while the process hears of changes to them (the session cache, the near cache).
 * `listening()` says whether messages are heard now; asking starts the subscription, or retries a
 * failed one at most every `retryMs`.
 */
export interface Listener {
  listening(): boolean;
  /** Resolves once the current attempt settles: whether messages are heard. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** `onResume`: the subscription hears again after a gap in which messages may have been missed (drop the copies). */
export function createListener(
  pubsub: PubSubPort,
  channel: string,
  onMessage: (message: unknown) => void,
  opts: { retryMs?: number; onError?: (err: unknown) => void; onResume?: () => void } = {},
): Listener {
  const retryMs = opts.retryMs ?? 5_000;
  let heard = false;
  let attempt: Promise<boolean> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let off: (() => Promise<void>) | undefined;

  function start(): void {
    if (heard || attempt || Date.now() - lastAttempt < retryMs) return;
    lastAttempt = Date.now();
    attempt = pubsub
      .subscribe(channel, onMessage, { onResume: opts.onResume })
      .then(
        (unsubscribe) => {
          off = unsubscribe;
          return (heard = true);
        },
        (err: unknown) => {
          opts.onError?.(err);
          return false;
        },
      )
      .finally(() => (attempt = undefined));
  }

  return {
    listening() {
      start();
      return heard;
    },
    async ready() {
      start();
      return heard || ((await attempt) ?? false);
    },
    async close() {
      await attempt;
      heard = false;
      await off?.().catch(() => {});
      off = undefined;
    },
  };
}
