/** A JSON value cache with per-key TTLs. Misses and backend errors both read as undefined. */
export interface CachePort {
  readonly backend: "redis" | "memory";
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with the prefix (e.g. a brand's whole cache). */
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}
