import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { installForbiddenPortsGuard, LOG_ENV } from "./forbidden-ports.mjs";

const preload = new URL("./forbidden-ports.mjs", import.meta.url).href;

/**
 * Refuses connections to ports 3000 and 4100 in this process and in every Node process it spawns
 * (NODE_OPTIONS carries the guard to the real worker processes some tests start).
 */
export function installPortGuard(): void {
  const logPath = path.join(tmpdir(), `brandbase-forbidden-ports-${process.pid}.log`);
  writeFileSync(logPath, "");
  process.env[LOG_ENV] = logPath;
  const flag = `--import=${preload}`;
  if (!process.env.NODE_OPTIONS?.includes(flag)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${flag}`.trim();
  installForbiddenPortsGuard(logPath);
}

/** The refused connections since the last call, from this process and its children; clears them. */
export function takeForbiddenConnections(): string[] {
  const logPath = process.env[LOG_ENV];
  if (!logPath) return [];
  let lines: string[];
  try {
    lines = readFileSync(logPath, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
  if (lines.length) writeFileSync(logPath, "");
  return lines;
}

export function failOnForbiddenConnections(when: string): void {
  const seen = takeForbiddenConnections();
  if (seen.length) throw new Error(`Connections to forbidden ports (3000, 4100) ${when}:\n  ${seen.join("\n  ")}`);
}

export function removePortGuardLog(): void {
  const logPath = process.env[LOG_ENV];
  if (logPath) rmSync(logPath, { force: true });
}
