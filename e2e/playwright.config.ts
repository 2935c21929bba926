import { defineConfig } from "@playwright/test";
import { BASE_URL, DESKTOP_UA, ROOT, SERVER_ENV } from "./env";

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
  outputDir: `${ROOT}/test-results`,
  globalSetup: "./global-setup.ts",
  // Fails the run when any secret the run created shows up in what its processes wrote.
  globalTeardown: "./secrets-scan.ts",
  use: {
    baseURL: BASE_URL,
    userAgent: DESKTOP_UA,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "tsx scripts/start.ts",
    cwd: ROOT,
    url: `${BASE_URL}/api/health`,
    // A fresh `next build` on a busy machine takes minutes.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: SERVER_ENV,
  },
});
