/**
 * `npm test`: every tier, in order — lint (ESLint and the import boundaries), types, unit +
 * integration (real Postgres and Redis), and Playwright e2e in Debian's Chromium. A tier whose
 * service or browser is missing is skipped with a warning on a laptop and fails when CI=true.
 * Exits non-zero if any tier failed.
 */
import { existsSync } from "node:fs";
import postgres from "postgres";
import { run } from "./lib/processes";

const ci = process.env.CI === "true";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const e2eDatabase = process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/brandbase_e2e";

/** Integration suites run a second time with no Redis: the sync, webhooks, event ingestion and the live pages' parts. */
const POSTGRES_MODE_SUITES = [
  "tests/api/history-sync.test.ts",
  "tests/api/webhooks.test.ts",
  "tests/api/events.test.ts",
  "tests/api/identity.test.ts",
  "tests/api/queues.test.ts",
  "tests/api/data-live.test.ts",
  "tests/http/health.test.ts",
  "tests/http/sync-status.test.ts",
  "tests/workers/resume-stalled.test.ts",
];

const results: { tier: string; outcome: "passed" | "failed" | "skipped"; seconds: number; note?: string }[] = [];

async function tier(name: string, fn: () => Promise<void | string>): Promise<void> {
  const started = Date.now();
  console.log(`\n━━ ${name} ━━`);
  try {
    const skipped = await fn();
    results.push({ tier: name, outcome: skipped ? "skipped" : "passed", seconds: (Date.now() - started) / 1000, note: skipped || undefined });
  } catch (err) {
    results.push({ tier: name, outcome: "failed", seconds: (Date.now() - started) / 1000, note: (err as Error).message });
  }
}

/**
 * A fresh e2e database each run. The specs do not need it (each makes its own accounts, brands and
 * shops, and `npm run test:e2e` passes again on the database a run left), but migrations renumbered
 * between branches would not apply over an old one.
 */
async function resetDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end();
  }
}

await run("bash", ["scripts/ensure-services.sh"]);

// Uncached, unlike `npm run lint`: an import's verdict can change when another file moves.
await tier("lint (eslint: rules and import boundaries)", () => run("eslint", ["--max-warnings", "0", "."]));
await tier("types (tsc --noEmit)", () => run("tsc", ["--noEmit"]));
await tier("unit + integration (vitest)", () => run("vitest", ["run", "--config", "tests/vitest.config.ts"]));
// The suites of what must work without Redis, once more on Postgres alone (no REDIS_URL at all).
await tier("integration on Postgres alone (TEST_BACKEND=postgres)", () =>
  run("vitest", ["run", "--config", "tests/vitest.config.ts", "--project", "integration", ...POSTGRES_MODE_SUITES], { ...process.env, TEST_BACKEND: "postgres" }),
);
await tier("e2e (playwright, Chromium)", async () => {
  if (!existsSync(chromium)) {
    const why = `no Chromium at ${chromium} (apt-get install -y chromium)`;
    if (ci) throw new Error(why);
    console.warn(`⚠ Skipping e2e: ${why}`);
    return why;
  }
  try {
    await resetDatabase(e2eDatabase);
  } catch (err) {
    const why = `Postgres for e2e unreachable (${(err as Error).message})`;
    if (ci) throw new Error(why);
    console.warn(`⚠ Skipping e2e: ${why}`);
    return why;
  }
  await run("playwright", ["test", "--config", "e2e/playwright.config.ts"]);
});

console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.outcome.padEnd(8)} ${r.tier} (${r.seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ""}`);
const failed = results.filter((r) => r.outcome === "failed").length;
const passed = results.filter((r) => r.outcome === "passed").length;
console.log(`tiers: ${passed} passed, ${failed} failed, ${results.length - passed - failed} skipped`);
process.exit(failed > 0 ? 1 : 0);
