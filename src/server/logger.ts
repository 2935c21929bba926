import { type DestinationStream, type Logger, pino } from "pino";
import { getEnv } from "./env";
import { redactLogLine } from "./redact";

let root: Logger | undefined;

/**
 * Every line is redacted as it leaves pino (`redactLogLine`: secret-named keys at any depth,
 * secret-shaped strings in messages, errors and child bindings). pino's own `redact` reaches only the
 * fixed paths it is given — a token nested in an error's request config got through.
 */
function redacting(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(redactLogLine(line)) };
}

/** A logger with the process logger's redaction, writing to `destination` (stdout when omitted). */
export function createLogger(opts: { level: string; service: string; pretty?: boolean }, destination?: DestinationStream): Logger {
  const sink =
    destination ??
    (opts.pretty ? (pino.transport({ target: "pino-pretty", options: { colorize: true } }) as DestinationStream) : pino.destination({ dest: 1, sync: true }));
  return pino({ level: opts.level, base: { service: opts.service } }, redacting(sink));
}

export function getLogger(): Logger {
  if (root) return root;
  const env = getEnv();
  root = createLogger({ level: env.LOG_LEVEL, service: process.env.BRANDBASE_SERVICE ?? "web", pretty: env.LOG_PRETTY });
  return root;
}

export type { Logger };
