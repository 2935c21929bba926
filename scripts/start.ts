/**
 * `npm start`: one command for the whole product. Starts an embedded Postgres when DATABASE_URL is
 * unset, checks Redis, builds when the sources are newer than the build, migrates, seeds the demo
 * operator (demo mode only), then runs the web app (scripts/server.ts) and the worker processes
 * together until Ctrl-C. `npm run dev` does the same with Next.js dev mode and reloading workers.
 * With BRANDBASE_LOG_FILE set, every process's output is also written to that file.
 */
import path from "node:path";
import { EMBEDDED_DATABASE_URL } from "../src/server/env";
import { pingRedis, redactUrl } from "../src/server/infra/redis";
import { randomBytes } from "node:crypto";
import { ensureDatabase, ensureLocalSecret, needsBuild, startEmbeddedPostgres } from "./lib/local-services";
import { demoEmulatorCommand } from "./lib/emulator-command";
import { copyOutputTo, type Managed, run, spawnManaged, stopAll } from "./lib/processes";

const DEMO_PASSWORD = "brandbase-demo";
const dev = process.argv.includes("--dev");

/** Worker processes: one per group, each group a space-free comma list of queues. */
const workerGroups = (process.env.WORKER_GROUPS ?? "ingestion;sync;automation,campaign,send,analysis")
  .split(";")
  .map((g) => g.split(",").map((q) => q.trim()).filter(Boolean))
  .filter((g) => g.length > 0);

async function waitForUrl(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

let embedded: { stop: () => Promise<void> } | undefined;

async function main(): Promise<void> {
  Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const port = process.env.PORT ?? "3000";
  process.env.APP_URL ??= `http://localhost:${port}`;
  process.env.BETTER_AUTH_SECRET ??= ensureLocalSecret("auth-secret");
  process.env.TOKEN_ENCRYPTION_KEY ??= ensureLocalSecret("token-key");

  // Demo mode: without Shopify credentials, a local emulator with a seeded store plays Shopify.
  const demoShopify = !process.env.SHOPIFY_API_KEY;
  const emulatorPort = process.env.SHOPIFY_EMULATOR_PORT ?? "4100";
  if (demoShopify) {
    Object.assign(process.env, {
      SHOPIFY_API_KEY: "brandbase-demo",
      SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET || randomBytes(24).toString("base64url"),
      SHOPIFY_EMULATOR_URL: `http://127.0.0.1:${emulatorPort}`,
    });
    // The demo login is printed for anyone to read: the demo serves this machine only, unless HOST says otherwise.
    process.env.HOST ??= "127.0.0.1";
  }
  if (process.env.BRANDBASE_LOG_FILE) copyOutputTo(path.resolve(process.env.BRANDBASE_LOG_FILE));

  if (!process.env.DATABASE_URL) {
    console.log("No DATABASE_URL: starting the embedded Postgres (data in .data/pg)…");
    embedded = await startEmbeddedPostgres(EMBEDDED_DATABASE_URL);
  } else {
    await ensureDatabase(process.env.DATABASE_URL);
  }

  // No REDIS_URL: Postgres mode. A REDIS_URL that does not answer yet: Postgres until it does.
  const redisUrl = process.env.REDIS_URL || undefined;
  const redis = redisUrl ? await pingRedis(redisUrl) : undefined;
  const redisNote = !redisUrl
    ? "none (Postgres mode: set REDIS_URL to use one)"
    : redis?.ok
      ? redactUrl(redisUrl)
      : `${redactUrl(redisUrl)} is unreachable (${redis?.error}): running on Postgres until it answers`;

  // Imported after the environment is settled: these read it.
  const { getEnv } = await import("../src/server/env");
  const { migrateDatabase } = await import("../src/server/db/migrate");
  const env = getEnv();
  await migrateDatabase(env.DATABASE_URL);

  const { getAuth } = await import("../src/server/auth");
  const { closeDb, getDb } = await import("../src/server/db/client");
  const { retireDemoAccount, seedDemo } = await import("../src/server/services/system/seed");
  const { listInstanceAdmins } = await import("../src/server/services/system/admins");
  const seedDeps = { db: getDb(), auth: getAuth() };
  const demoLogin = { email: env.DEMO_USER_EMAIL, password: DEMO_PASSWORD };
  // Only demo mode has a demo operator (a brand owner); elsewhere administrators are made with `npm run admin`.
  const demo = demoShopify ? await seedDemo(seedDeps, demoLogin) : undefined;
  if (!demoShopify && (await retireDemoAccount(seedDeps, demoLogin))) {
    console.warn(`\n  ${demoLogin.email} still had the published demo password: the account is closed (no administrator role,\n  a random password, signed out everywhere). Its owner can choose a new password with "Forgot password?".\n`);
  }
  const noAdmin = (await listInstanceAdmins(seedDeps)).length === 0;
  await closeDb();

  if (!dev && needsBuild()) {
    console.log("Building the web app (next build)…");
    await run("next", ["build"], process.env);
  }

  const children: Managed[] = [];
  // Workers trade a little speed for memory: Node 24 keeps the garbage of loading ESM packages
  // (~150 MB for drizzle-orm) until a major GC that a lean worker rarely triggers; this collects it.
  const WORKER_NODE_FLAGS = ["--optimize-for-size"];
  if (demoShopify) {
    const cli = demoEmulatorCommand(
      {
        port: emulatorPort,
        orders: process.env.DEMO_ORDERS ?? "20000",
        bulkSpeed: process.env.DEMO_BULK_SPEED ?? "25000",
        clientId: process.env.SHOPIFY_API_KEY!,
        clientSecret: process.env.SHOPIFY_API_SECRET!,
        appUrl: env.APP_URL,
      },
      process.env,
    );
    const emulator = spawnManaged("shopify", cli.command, cli.args, cli.env, 5);
    children.push(emulator);
    await waitForUrl(`${process.env.SHOPIFY_EMULATOR_URL}/_emulator`, 60_000);
  }
  children.push(
    spawnManaged("web", "tsx", ["scripts/server.ts", ...(dev ? ["--dev"] : [])], process.env, 0),
    ...workerGroups.map((queues, i) =>
      spawnManaged(queues.length > 1 ? `${queues[0]}+${queues.length - 1}` : queues[0]!, "tsx", [...(dev ? ["watch"] : []), ...WORKER_NODE_FLAGS, "src/workers/index.ts", ...queues], process.env, i + 1),
    ),
  );

  console.log(
    `\n  Brandbase is starting at ${env.APP_URL}\n` +
      (demo ? `  Demo login: ${demo.email} / ${demo.password}  (brand: ${env.APP_URL}/${demo.brandSlug})\n` : "") +
      `  Listening on ${process.env.HOST ?? "all interfaces"}, port ${port}${process.env.HOST === "127.0.0.1" ? " (this machine only; HOST=0.0.0.0 shares it)" : ""}\n` +
      (noAdmin ? "  No instance administrator yet (pausing queues, monitoring): npm run admin -- create <email>\n" : "") +
      `  Postgres: ${embedded ? "embedded (.data/pg)" : "DATABASE_URL"} · Redis: ${redisNote}\n` +
      (demoShopify ? `  Shopify: demo emulator at ${process.env.SHOPIFY_EMULATOR_URL} — connect the store "demo-brand" under Stores\n` : "") +
      `  Workers: ${workerGroups.map((g) => g.join("+")).join(", ")} · Ctrl-C stops everything\n`,
  );

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await stopAll(children);
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  for (const c of children) {
    void c.exited.then((code) => {
      if (stopping) return;
      console.error(`${c.name} exited with ${code}; stopping the rest.`);
      void shutdown(code || 1);
    });
  }
}

main().catch(async (err) => {
  console.error(err);
  await embedded?.stop().catch(() => {});
  process.exit(1);
});
