import { z } from "zod";

/** Where the embedded Postgres (started by `npm start` when DATABASE_URL is unset) listens. */
export const EMBEDDED_DATABASE_URL = "postgres://brandbase:brandbase@127.0.0.1:54329/brandbase";

const booleanish = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "DATABASE_URL must be a postgres:// URL" }).optional(),
  /** Unset: Postgres mode (queues, pub/sub, locks and rate limits on Postgres, an in-process cache). */
  REDIS_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^rediss?$/, error: "REDIS_URL must be a redis:// URL" }).optional()),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, "QUEUE_PREFIX may hold letters, digits, - and _ only")
    .default("brandbase"),
  APP_URL: z.url().default("http://localhost:3000"),
  BETTER_AUTH_SECRET: z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: booleanish,
  /** A dead worker's jobs are taken over after about this long. */
  QUEUE_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Where a worker process writes its heartbeat (a container's health check reads its age); unset: none. */
  WORKER_HEARTBEAT_FILE: z.string().min(1).optional(),
  DEMO_USER_EMAIL: z.email().default("demo@brandbase.dev"),
  /** Sign-in and sign-up attempts allowed per client address per 10 seconds. */
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Sign-in and sign-up attempts allowed per account (email), from any address, per 15 minutes. */
  AUTH_ACCOUNT_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Proxy hops in front of the web server whose X-Forwarded-For / -Proto are believed; 0: the socket's peer is the client. */
  TRUST_PROXY: z.coerce
    .number({ error: "TRUST_PROXY is the number of proxy hops in front of the app (0 when clients connect directly)" })
    .int("TRUST_PROXY is the number of proxy hops in front of the app (0 when clients connect directly)")
    .min(0, "TRUST_PROXY is the number of proxy hops in front of the app (0 when clients connect directly)")
    .max(10, "TRUST_PROXY above 10 hops is surely a mistake")
    .default(0),
  /** Where the web server listens (`npm start` in demo mode: 127.0.0.1; otherwise all interfaces). */
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1, "PORT must be a TCP port").max(65_535, "PORT must be a TCP port").default(3000),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SHOPIFY_SCOPES: z.string().default("read_orders,read_customers,write_customers,read_products"),
  /** 32 bytes, base64: encrypts Shopify tokens at rest (npm start generates one into .data/). */
  TOKEN_ENCRYPTION_KEY: z.string().optional(),
  /** Reconciliation re-reads everything updated since the last sync minus this much. */
  /** Bulk result lines per staging/promotion transaction. */
  SYNC_CHUNK_LINES: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
  SYNC_LOOKBACK_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** An operator's completeness check reads at most this many orders of its window from Shopify (about 5 cost points each: 2,000 take 100 s at a standard plan's 100 points/s). */
  CHECK_MAX_ORDERS: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  RECONCILE_EVERY_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Send Shopify traffic to this local emulator instead of *.myshopify.com (dev, demo and tests). */
  SHOPIFY_EMULATOR_URL: z.url({ error: "SHOPIFY_EMULATOR_URL must be a URL like http://127.0.0.1:4100" }).optional(),
  /** Live views (queue health, sync progress) send a fresh snapshot at least this often without activity. */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(5_000),
  /** Live views (subscriptions) one user may hold open at once in a web process. */
  LIVE_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).max(1_000).default(20),
  /** Events one source may send per second (a batch counts each event) before the event API answers 429. */
  EVENTS_PER_SECOND_PER_SOURCE: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  /** Requests with an unknown write key one client address may make per minute (guessing keys). */
  EVENTS_BAD_KEY_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Bearer token for /api/monitoring/*, /api/metrics and /api/health/full (instance administrators' sessions work too). */
  MONITORING_TOKEN: z.string().min(16, "MONITORING_TOKEN must be at least 16 characters").optional(),
  /** Mail goes out through this SMTP server; unset, it stays in the outbox instance administrators read. */
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "SMTP_URL must be a URL like smtp://user:pass@host:587 or smtps://user:pass@host:465" })
    .optional(),
  /** The sender of every message: `address` or `Name <address>`. */
  MAIL_FROM: z
    .string()
    .trim()
    .regex(/^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, "MAIL_FROM must be an address or \"Name <address>\"")
    .optional(),
}).superRefine((env, ctx) => {
  if (env.SMTP_URL && !env.MAIL_FROM) {
    ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "MAIL_FROM is required when SMTP_URL is set, e.g. \"Brandbase <no-reply@your-domain>\"" });
  }
});

export type Env = z.infer<typeof envSchema> & { DATABASE_URL: string; databaseEmbedded: boolean; MAIL_FROM: string };

/** Without SMTP the sender only labels outbox messages; with it, a real server needs a real sender. */
const OUTBOX_FROM = "Brandbase <no-reply@brandbase.invalid>";

let cached: Env | undefined;

/**
 * The one validated environment for the app, the workers and the scripts. Parsed lazily so that
 * `next build` can import modules without a runtime environment.
 */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const databaseEmbedded = !parsed.data.DATABASE_URL;
  cached = {
    ...parsed.data,
    DATABASE_URL: parsed.data.DATABASE_URL ?? EMBEDDED_DATABASE_URL,
    databaseEmbedded,
    MAIL_FROM: parsed.data.MAIL_FROM ?? OUTBOX_FROM,
  };
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
