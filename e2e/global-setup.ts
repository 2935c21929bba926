import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RUN_DIR, SECRETS_FILE } from "./env";

/**
 * A fresh list of the secrets this run's tests create, and no logs of extra web processes from an
 * earlier run (the teardown scans every log in RUN_DIR; `npm start` truncates its own, server.log).
 */
export default function globalSetup(): void {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(SECRETS_FILE, "");
  for (const file of readdirSync(RUN_DIR)) if (/^web-\d+\.log$/.test(file)) rmSync(path.join(RUN_DIR, file));
}
