import { mkdirSync, writeFileSync } from "node:fs";
import { RUN_DIR, SECRETS_FILE } from "./env";

/** A fresh list of the secrets this run's tests create (the teardown scans the logs for them). */
export default function globalSetup(): void {
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(SECRETS_FILE, "");
}
