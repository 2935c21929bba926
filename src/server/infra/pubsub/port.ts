/** Fire-and-forget fan-out of small JSON messages to every subscriber of a channel. */
export interface PubSubPort {
  readonly backend: "redis" | "postgres";
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
