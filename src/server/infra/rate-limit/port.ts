export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** When not allowed: how long until a point frees up. */
  retryAfterMs: number;
}

export interface RateLimitRule {
  /** Points allowed per window. */
  points: number;
  windowSeconds: number;
}

/** Fixed-window token counting per key (e.g. per brand, falling back to per IP). */
export interface RateLimitPort {
  readonly backend: "redis" | "postgres" | "memory";
  consume(key: string, rule: RateLimitRule, points?: number): Promise<RateLimitResult>;
  close(): Promise<void>;
}
