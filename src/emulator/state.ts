import { randomBytes } from "node:crypto";
import type { BulkOperationState } from "./bulk/types";
import { ShopStore } from "./store/shop-store";
import type { StoreSpec } from "./store/types";
import type { DeliveryRecord, WebhookSubscription } from "./webhooks/types";

export interface AppConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  /** Exact URLs the OAuth redirect may go to. */
  redirectUrls: string[];
  /** Scopes the app may request. */
  scopes: string[];
  /** Where compliance webhooks (customers/data_request, customers/redact, shop/redact) go. */
  complianceUrl?: string;
}

export interface Faults {
  /** Every GraphQL call is THROTTLED. */
  alwaysThrottle: boolean;
  /** Share (0–1) of GraphQL calls throttled regardless of the bucket. */
  throttlePercent: number;
  /** Share (0–1) of Admin API calls answered with a 502/503. */
  serverErrorRate: number;
  /** Added to every Admin API response. */
  latencyMs: number;
  /** Next bulk operations end FAILED with this code (e.g. INTERNAL_SERVER_ERROR). */
  bulkFailure: string | null;
  /** Downloads of bulk results serve this line (1-based) malformed, as a corrupted file would. */
  bulkMalformedLine: number | null;
  webhookDropRate: number;
  webhookDuplicateRate: number;
  webhookReorderRate: number;
  /** Answer throttling with HTTP 429 + Retry-After instead of an in-band THROTTLED error. */
  throttleWith429: boolean;
}

export const NO_FAULTS: Faults = {
  alwaysThrottle: false,
  throttlePercent: 0,
  serverErrorRate: 0,
  latencyMs: 0,
  bulkFailure: null,
  bulkMalformedLine: null,
  webhookDropRate: 0,
  webhookDuplicateRate: 0,
  webhookReorderRate: 0,
  throttleWith429: false,
};

export interface AccessToken {
  token: string;
  shop: string;
  clientId: string;
  scopes: string[];
  online: boolean;
  expiresAt: number | null;
  user?: { id: number; email: string; firstName: string; lastName: string };
}

export interface RefreshToken {
  token: string;
  shop: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export interface AuthCode {
  code: string;
  shop: string;
  clientId: string;
  scopes: string[];
  online: boolean;
  expiresAt: number;
  used: boolean;
}

export interface Bucket {
  available: number;
  updatedAt: number;
}

export const DEFAULT_SHOP_TIMEZONE = "America/New_York";

export interface ShopState {
  domain: string;
  name: string;
  /** Shopify's `shop.ianaTimezone`. */
  ianaTimezone: string;
  store: ShopStore;
  installedApps: Set<string>;
  faults: Faults;
  /** Per app: leaky bucket of query cost. */
  buckets: Map<string, Bucket>;
  /** Admin GraphQL calls answered, and how many of them THROTTLED because the bucket was short (not forced by a fault). */
  apiStats: { calls: number; throttled: number };
  bulkOperations: BulkOperationState[];
  /** Per app. */
  webhooks: Map<string, WebhookSubscription[]>;
  deliveries: DeliveryRecord[];
}

export interface EmulatorLimits {
  bucketSize: number;
  restoreRate: number;
  singleQueryMax: number;
  offlineTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  onlineTokenTtlSeconds: number;
  /** Objects a bulk operation adds to objectCount per second. */
  bulkObjectsPerSecond: number;
  bulkUrlTtlSeconds: number;
  /** Worker threads serializing large bulk exports (0: on the main thread). */
  bulkThreads: number;
  webhookTimeoutMs: number;
  /** Delays between webhook delivery attempts (Shopify's schedule, compressed). */
  webhookRetryDelaysMs: number[];
}

export const DEFAULT_LIMITS: EmulatorLimits = {
  bucketSize: 2000,
  restoreRate: 100,
  singleQueryMax: 1000,
  offlineTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 90 * 24 * 3600,
  onlineTokenTtlSeconds: 86_399,
  bulkObjectsPerSecond: 2_000_000,
  bulkUrlTtlSeconds: 7 * 24 * 3600,
  bulkThreads: Number(process.env.EMULATOR_BULK_THREADS ?? 2),
  webhookTimeoutMs: 5_000,
  webhookRetryDelaysMs: [100, 200, 400, 800, 1600],
};

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

/** Everything the emulator knows, in memory. */
export class EmulatorState {
  readonly apps = new Map<string, AppConfig>();
  readonly shops = new Map<string, ShopState>();
  readonly tokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly codes = new Map<string, AuthCode>();
  /** The emulator's own base URL (set once it listens), for bulk download links. */
  publicUrl: () => string = () => "http://127.0.0.1:4100";

  constructor(
    readonly limits: EmulatorLimits,
    readonly clock: () => number = Date.now,
  ) {}

  addApp(app: AppConfig): void {
    this.apps.set(app.clientId, app);
  }

  addShop(input: { domain: string; name?: string; ianaTimezone?: string; spec: StoreSpec }): ShopState {
    const domain = normalizeShopDomain(input.domain);
    const shop: ShopState = {
      domain,
      name: input.name ?? domain.replace(/\.myshopify\.com$/, "").replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      // Not UTC unless asked: a shop's days are rarely UTC days, and tests should see the difference.
      ianaTimezone: input.ianaTimezone ?? DEFAULT_SHOP_TIMEZONE,
      store: new ShopStore(input.spec, this.clock),
      installedApps: new Set(),
      faults: { ...NO_FAULTS },
      buckets: new Map(),
      apiStats: { calls: 0, throttled: 0 },
      bulkOperations: [],
      webhooks: new Map(),
      deliveries: [],
    };
    this.shops.set(domain, shop);
    return shop;
  }

  shop(domain: string): ShopState | undefined {
    return this.shops.get(normalizeShopDomain(domain));
  }

  /** A token that is known, not expired, for an app still installed. */
  validToken(token: string | undefined, shop: string): AccessToken | undefined {
    if (!token) return undefined;
    const record = this.tokens.get(token);
    if (!record || record.shop !== shop) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= this.clock()) return undefined;
    if (!this.shops.get(shop)?.installedApps.has(record.clientId)) return undefined;
    return record;
  }

  /** Forgets every token of an app on a shop (uninstall, revoke). */
  revokeTokens(shop: string, clientId?: string): void {
    for (const [key, t] of this.tokens) if (t.shop === shop && (!clientId || t.clientId === clientId)) this.tokens.delete(key);
    for (const [key, t] of this.refreshTokens) if (t.shop === shop && (!clientId || t.clientId === clientId)) this.refreshTokens.delete(key);
  }
}

/** "demo-brand" or "demo-brand.myshopify.com" → "demo-brand.myshopify.com". */
export function normalizeShopDomain(shop: string): string {
  const lower = shop.trim().toLowerCase();
  return lower.endsWith(".myshopify.com") ? lower : `${lower}.myshopify.com`;
}
