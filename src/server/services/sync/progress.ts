import type { PubSubPort } from "../../infra/pubsub/port";

/**
 * The one place sync progress is published. Messages only say "the brand's sync changed": the
 * live view answers with the brand's whole status, read from Postgres, so a message is sent after
 * the change it announces has committed, and a lost one only delays a view until its heartbeat.
 */

export const syncChannel = (brandId: string) => `sync:${brandId}`;

/** Announces that the brand's sync status changed (committed). Fire and forget. */
export function announceSync(deps: { pubsub: PubSubPort }, brandId: string): void {
  deps.pubsub.publish(syncChannel(brandId), { at: Date.now() }).catch(() => {});
}

export interface ProgressTicker {
  /** Something changed: announced now, or at the end of the interval (once) if one was just sent. */
  tick(): void;
  /** Announces now (a phase change), cancelling a pending tick. */
  flush(): void;
}

/**
 * For a long step's many commits: at most one message per `ms`, the last change always announced.
 * `announce` is the sync channel's by default; the data pages' (`announceData`) fits too.
 */
export function progressTicker(deps: { pubsub: PubSubPort }, brandId: string, ms = 250, announce: (deps: { pubsub: PubSubPort }, brandId: string) => void = announceSync): ProgressTicker {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    last = Date.now();
    announce(deps, brandId);
  };
  return {
    tick() {
      const wait = last + ms - Date.now();
      if (wait <= 0) send();
      else
        timer ??= setTimeout(() => {
          timer = undefined;
          send();
        }, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      send();
    },
  };
}
