/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL. */
import { migrateDatabase } from "../src/server/db/migrate";
import { getEnv } from "../src/server/env";

await migrateDatabase(getEnv().DATABASE_URL);
console.log("migrations applied");
