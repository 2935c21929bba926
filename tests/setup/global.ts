import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/server/db/migrate";
import { pingRedis } from "../../src/server/infra/redis";
import postgres from "postgres";

// A database of its own per run, so two runs on one machine never drop each other's.
const DEFAULT_DB = `postgres://postgres@127.0.0.1:5432/brandbase_test_${process.pid}`;
const DEFAULT_REDIS = "redis://127.0.0.1:6379";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** APP_URL for tests that set none: a server of this run's own that serves nothing. */
    appUrl: string;
    /** Why the integration suites are skipped; empty when the services are there. */
    servicesMissing: string;
  }
}

async function onServer(url: string, statements: (dbName: string) => string[]): Promise<void> {
  const dbName = new URL(url).pathname.slice(1);
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    for (const statement of statements(dbName)) await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/** Recreates the test database and applies the migrations, once per run. */
async function prepareDatabase(url: string): Promise<void> {
  await onServer(url, (db) => [`drop database if exists "${db}" with (force)`, `create database "${db}"`]);
  await migrateDatabase(url);
}

/**
 * The default APP_URL: a port this run holds, so nothing a test sends "to the app" can reach a
 * developer's running one. It answers 410 to say so; a test that needs the app starts its own.
 */
async function startNowhereApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(410, { "content-type": "text/plain" }).end("No app here: integration tests' default APP_URL.\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_DB;
  const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS;
  const missing: string[] = [];
  try {
    await prepareDatabase(databaseUrl);
  } catch (err) {
    missing.push(`Postgres at ${databaseUrl} (${(err as Error).message})`);
  }
  const redis = await pingRedis(redisUrl);
  if (!redis.ok) missing.push(`Redis at ${redisUrl} (${redis.error})`);

  const servicesMissing = missing.join("; ");
  if (servicesMissing && process.env.CI === "true") {
    throw new Error(`Integration tests need real services, and CI=true forbids skipping them: ${servicesMissing}`);
  }
  if (servicesMissing) console.warn(`\n⚠ Skipping integration suites: ${servicesMissing}\n`);
  const nowhere = await startNowhereApp();
  project.provide("appUrl", nowhere.url);
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("servicesMissing", servicesMissing);
  return async () => {
    await nowhere.close();
    if (!servicesMissing && !process.env.TEST_DATABASE_URL) await onServer(databaseUrl, (db) => [`drop database if exists "${db}" with (force)`]).catch(() => {});
  };
}
