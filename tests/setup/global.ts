import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/server/db/migrate";
import { pingRedis } from "../../src/server/infra/redis";
import postgres from "postgres";

const DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/brandbase_test";
const DEFAULT_REDIS = "redis://127.0.0.1:6379";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** Why the integration suites are skipped; empty when the services are there. */
    servicesMissing: string;
  }
}

/** Recreates the test database and applies the migrations, once per run. */
async function prepareDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = target.pathname.slice(1);
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.unsafe(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(url);
}

export default async function setup(project: TestProject): Promise<void> {
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
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("servicesMissing", servicesMissing);
}
