import path from "node:path";

/** What the e2e run's processes share: where the app listens, its secrets, where its output goes. */
export const ROOT = path.resolve(import.meta.dirname, "..");
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;
export const EMULATOR_PORT = process.env.E2E_EMULATOR_PORT ?? "4101";
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/brandbase_e2e";

/** Bot user agents are refused by @shopify/shopify-api: every browser context browses as desktop Chrome. */
export const DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/** The run's working files: every process's output (scanned for secrets at the end) and secrets tests create. */
export const RUN_DIR = path.join(ROOT, ".e2e");
export const SERVER_LOG = path.join(RUN_DIR, "server.log");
export const SECRETS_FILE = path.join(RUN_DIR, "secrets.txt");

/** Secrets of the run's configuration: none of them may appear in any log line. */
export const CONFIG_SECRETS = {
  BETTER_AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
  TOKEN_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  // Demo mode's emulator app secret (normally generated at each start): known here so the scan can look for it.
  SHOPIFY_API_SECRET: "e2e-emulator-client-secret-5d1f0c2a9b",
};

// One queue and channel prefix for the run, the same in the runner and its worker processes (they
// inherit the runner's environment): the admin script a spec runs must reach the server's channels.
process.env.E2E_QUEUE_PREFIX ??= `e2e-${Date.now().toString(36)}`;

/** The web server's environment (`tsx scripts/start.ts` in demo mode). */
export const SERVER_ENV: Record<string, string> = {
  PORT: String(E2E_PORT),
  QUEUE_PREFIX: process.env.E2E_QUEUE_PREFIX,
  APP_URL: BASE_URL,
  DATABASE_URL: E2E_DATABASE_URL,
  REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379",
  ...CONFIG_SECRETS,
  // Everything the app logs, down to debug, lands in SERVER_LOG: the more it writes, the more the scan checks.
  LOG_LEVEL: "debug",
  BRANDBASE_LOG_FILE: SERVER_LOG,
  WORKER_SHUTDOWN_GRACE_MS: "2000",
  // Every browser here signs up from 127.0.0.1; the per-address limit is for real traffic.
  AUTH_RATE_LIMIT_MAX: "100",
  // Demo mode's Shopify emulator, on a port of its own, with a small store.
  SHOPIFY_EMULATOR_PORT: EMULATOR_PORT,
  DEMO_ORDERS: "3000",
  // Slow enough that the history sync's progress can be watched (about 3 s for the orders).
  DEMO_BULK_SPEED: "4000",
};
