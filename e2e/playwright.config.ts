import path from "node:path";
import { defineConfig } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

/** Debian's Chromium; Playwright's own browser download cannot run here. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export default defineConfig({
  testDir: ".",
  // Queue counts are instance-wide: one spec at a time keeps them readable.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: path.join(root, "test-results"),
  use: {
    baseURL,
    // Bot user agents are refused by @shopify/shopify-api; browse as desktop Chrome.
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "tsx scripts/start.ts",
    cwd: root,
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      APP_URL: baseURL,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/brandbase_e2e",
      REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379",
      QUEUE_PREFIX: `e2e-${Date.now().toString(36)}`,
      BETTER_AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
      LOG_LEVEL: "warn",
      WORKER_SHUTDOWN_GRACE_MS: "2000",
      // Every browser here signs up from 127.0.0.1; the per-address limit is for real traffic.
      AUTH_RATE_LIMIT_MAX: "100",
      // Demo mode's Shopify emulator, on a port of its own, with a small store.
      SHOPIFY_EMULATOR_PORT: process.env.E2E_EMULATOR_PORT ?? "4101",
      DEMO_ORDERS: "3000",
      // Slow enough that the history sync's progress can be watched (about 3 s for the orders).
      DEMO_BULK_SPEED: "4000",
      TOKEN_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    },
  },
});
