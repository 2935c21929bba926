import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { getEnv } from "../env";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;
/** A transaction handle; services that also run inside a caller's transaction accept `Db | Tx`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

type DbHandle = { db: Db; sql: Sql };

const globalForDb = globalThis as unknown as { __brandbaseDb?: DbHandle };

export function createDb(url: string, options?: { max?: number }): DbHandle {
  const sql = postgres(url, {
    max: options?.max ?? 10,
    onnotice: () => {},
    connection: { application_name: process.env.BRANDBASE_SERVICE ?? "brandbase" },
  });
  return { db: drizzle(sql, { schema, casing: "snake_case" }), sql };
}

/** The process-wide pool (kept across Next.js dev reloads). */
export function getDb(): Db {
  globalForDb.__brandbaseDb ??= createDb(getEnv().DATABASE_URL);
  return globalForDb.__brandbaseDb.db;
}

export function getSql(): Sql {
  getDb();
  return globalForDb.__brandbaseDb!.sql;
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.__brandbaseDb;
  globalForDb.__brandbaseDb = undefined;
  await handle?.sql.end({ timeout: 5 });
}

export { schema };
