import { tracked, TRPCError } from "@trpc/server";
import { getEnv } from "../env";
import type { PubSubPort } from "../infra/pubsub/port";

/** Open live views per user in this process: each holds a connection and a subscription. */
const openByUser = new Map<string, number>();

/** Takes one of the user's live-view slots, or refuses when they hold `LIVE_SUBSCRIPTIONS_PER_USER` already. */
function takeLiveSlot(userId: string): () => void {
  const held = openByUser.get(userId) ?? 0;
  const limit = getEnv().LIVE_SUBSCRIPTIONS_PER_USER;
  if (held >= limit) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `You have ${held} live views open; close some tabs (at most ${limit} at once)` });
  }
  openByUser.set(userId, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (openByUser.get(userId) ?? 1) - 1;
    if (left > 0) openByUser.set(userId, left);
    else openByUser.delete(userId);
  };
}

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
  /**
   * The current state. `notBefore`: the time of the change this snapshot is for; a computation
   * started at or after it is fresh enough to share (several viewers woken by one change).
   */
  snapshot: (notBefore: number) => Promise<T>;
  signal: AbortSignal | undefined;
  minIntervalMs?: number;
  heartbeatMs?: number;
  /** Whose view this is: counted against their live-view limit while open. */
  userId: string;
}) {
  const release = takeLiveSlot(opts.userId);
  const minIntervalMs = opts.minIntervalMs ?? 250;
  const heartbeatMs = opts.heartbeatMs ?? getEnv().LIVE_HEARTBEAT_MS;
  let dirty = false;
  /** When the first change not yet shown happened. */
  let dirtyAt: number | undefined;
  let wake: (() => void) | undefined;
  let unsubscribe: () => Promise<void>;
  try {
    unsubscribe = await opts.pubsub.subscribe(opts.channel, () => {
      dirty = true;
      dirtyAt ??= Date.now();
      wake?.();
    });
  } catch (err) {
    release();
    throw err;
  }
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
      const notBefore = dirtyAt ?? started;
      dirtyAt = undefined;
      yield tracked(`${Date.now()}-${seq++}`, await opts.snapshot(notBefore));
      if (!dirty) await sleep(heartbeatMs);
      const since = Date.now() - started;
      if (since < minIntervalMs && !opts.signal?.aborted) await new Promise((r) => setTimeout(r, minIntervalMs - since));
    }
  } finally {
    release();
    await unsubscribe();
  }
}
