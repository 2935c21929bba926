import { tracked } from "@trpc/server";
import { getEnv } from "../env";
import type { PubSubPort } from "../infra/pubsub/port";

/**
 * The shape of every live view: subscribe first (so nothing published meanwhile is missed),
 * yield the current snapshot, then a fresh snapshot whenever the channel says something changed
 * — coalesced to at most one per `minIntervalMs` — and at least every `heartbeatMs`
 * (LIVE_HEARTBEAT_MS unless told).
 * Each yield is tracked, so a reconnecting client resumes with the latest state.
 */
export async function* liveSnapshots<T>(opts: {
  pubsub: PubSubPort;
  channel: string;
  snapshot: () => Promise<T>;
  signal: AbortSignal | undefined;
  minIntervalMs?: number;
  heartbeatMs?: number;
}) {
  const minIntervalMs = opts.minIntervalMs ?? 250;
  const heartbeatMs = opts.heartbeatMs ?? getEnv().LIVE_HEARTBEAT_MS;
  let dirty = false;
  let wake: (() => void) | undefined;
  const unsubscribe = await opts.pubsub.subscribe(opts.channel, () => {
    dirty = true;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        opts.signal?.removeEventListener("abort", done);
        resolve();
      }
      wake = done;
      opts.signal?.addEventListener("abort", done, { once: true });
    });
  try {
    let seq = 0;
    while (!opts.signal?.aborted) {
      dirty = false;
      const started = Date.now();
      yield tracked(`${Date.now()}-${seq++}`, await opts.snapshot());
      if (!dirty) await sleep(heartbeatMs);
      const since = Date.now() - started;
      if (since < minIntervalMs && !opts.signal?.aborted) await new Promise((r) => setTimeout(r, minIntervalMs - since));
    }
  } finally {
    await unsubscribe();
  }
}
