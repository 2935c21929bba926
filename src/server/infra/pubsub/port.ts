export interface SubscribeOptions {
  /**
   * Called when the subscription hears again after a gap in which messages may have been missed: a
   * reconnect of the listening connection, or a switch between backends. Whoever keeps copies that
   * messages invalidate drops them here.
   */
  onResume?: () => void;
}

/** Fire-and-forget fan-out of small JSON messages to every subscriber of a channel. */
export interface PubSubPort {
  readonly backend: "redis" | "postgres";
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: unknown) => void, opts?: SubscribeOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
