import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDb } from "./client";

/** Applies the committed SQL migrations in ./drizzle. Safe to run concurrently (drizzle takes no lock, so we do). */
export async function migrateDatabase(url: string): Promise<void> {
  const { db, sql } = createDb(url, { max: 1 });
  try {
    await sql`select pg_advisory_lock(727271)`;
    await migrate(db, { migrationsFolder: path.resolve(process.cwd(), "drizzle") });
  } finally {
    await sql`select pg_advisory_unlock(727271)`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}
