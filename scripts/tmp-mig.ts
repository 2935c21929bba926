import { migrateDatabase } from "../src/server/db/migrate";
await migrateDatabase(process.argv[2]!);
console.log("migrated");
