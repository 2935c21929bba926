/** `npm run bench -- <name>`: runs bench/<name>.ts, which prints one JSON line. */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { run } from "../scripts/lib/processes";

const name = process.argv[2];
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("lib"))
  .map((f) => f.replace(/\.ts$/, ""));
if (!name || !existsSync(path.join(import.meta.dirname, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(", ")})`);
  process.exit(2);
}
await run("tsx", [path.join(import.meta.dirname, `${name}.ts`), ...process.argv.slice(3)]);
