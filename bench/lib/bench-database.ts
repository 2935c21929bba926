import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { closeDb } from "../../src/server/db/client";
import { migrateDatabase } from "../../src/server/db/migrate";
import { closeInfra } from "../../src/server/infra";

/**
 * A database of the run's own (created, migrated; dropped by `drop()`, and on a crash), and this
 * process's environment pointing at it — read lazily by getEnv, and passed to the processes the run
 * starts. BENCH_DATABASE_URL / BENCH_REDIS_URL name the servers (default: the local ones the tests use).
 */
export async function openBenchDatabase(opts: { label: string; env?: Record<string, string> }) {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const dbName = `brandbase_bench_${opts.label}_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName}`);
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${dbName}`;
  process.on("uncaughtException", (err) => {
    console.error(err);
    admin
      .unsafe(`drop database if exists ${dbName} with (force)`)
      .catch(() => {})
      .finally(() => process.exit(1));
  });
  await migrateDatabase(dbUrl.toString());
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `bench-${process.pid}`,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    // Nothing calls the app back here; `.invalid` never resolves.
    APP_URL: process.env.APP_URL ?? "http://brandbase-bench.invalid",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    ...opts.env,
  });
  return {
    dbUrl: dbUrl.toString(),
    /** Everything of this process closed, the database dropped. */
    async drop() {
      await closeInfra();
      await closeDb();
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    },
  };
}
