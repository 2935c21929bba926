import { pino, type Logger } from "pino";
import { getEnv } from "./env";

let root: Logger | undefined;

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.cookie",
  "*.headers.cookie",
];

export function getLogger(): Logger {
  if (root) return root;
  const env = getEnv();
  root = pino({
    level: env.LOG_LEVEL,
    base: { service: process.env.BRANDBASE_SERVICE ?? "web" },
    redact: { paths: REDACT, censor: "[redacted]" },
    transport: env.LOG_PRETTY ? { target: "pino-pretty", options: { colorize: true } } : undefined,
  });
  return root;
}

export type { Logger };
