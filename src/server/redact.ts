/**
 * What keeps secrets out of log lines, at any depth: pino's `redact` paths name fixed depths, and a
 * token nested in an error's request config or a library's options object slips past them.
 */

export const REDACTED = "[redacted]";

/**
 * Keys whose values are secrets wherever they appear: token, accessToken, access_token,
 * refresh_token, x-shopify-access-token, secret, clientSecret, password, authorization, cookie,
 * set-cookie, inviteUrl, writeKey, apiKey, x-shopify-hmac-sha256, signature, …
 */
const SECRET_KEY = /token|secret|passw(or)?d|passphrase|authorization|cookie|invite_?url|write_?key|api_?key|private_?key|encryption_?key|credential|hmac|signature/i;

/**
 * Secrets recognisable by their shape inside any string (messages, URLs, error stacks):
 * query parameters that carry them, invitation links, bearer/basic credentials, Shopify tokens.
 */
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/((?:^|[?&#\s;,."'(])(?:[\w-]*(?:token|secret|password|key)|code|hmac|signature|state)=)[^&#\s"'<>;,)]+/gi, `$1${REDACTED}`],
  [/(\/invite\/)[\w-]{8,}/g, `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/g, `$1 ${REDACTED}`],
  [/\bshp(?:at|ua|ca|pa|ss|rt)_[\w-]{8,}/g, REDACTED],
  // A URL's user:password@ part (database and Redis URLs in error messages).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, `$1${REDACTED}@`],
];

/** Scrubs secret-shaped parts out of one string. Cheap for the short strings most logs carry. */
export function redactText(text: string): string {
  if (text.length < 8) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 12;

/** Errors become plain objects first (message, stack, cause and own fields) so their insides are walked too. */
function errorToObject(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  for (const [k, v] of Object.entries(err)) out[k] = v;
  if (err.cause !== undefined) out.cause = err.cause;
  return out;
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) return walk(errorToObject(value), depth, seen);
    if (value instanceof Date) return value;
    if (value instanceof URL) return redactText(value.toString());
    if (typeof Headers !== "undefined" && value instanceof Headers) return walk(Object.fromEntries(value), depth, seen);
    if (value instanceof Map) return walk(Object.fromEntries(value), depth, seen);
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v != null && v !== "" ? REDACTED : walk(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/** A copy of `value` with every secret-named key's value and every secret-shaped string replaced. */
export function redactDeep<T>(value: T): T {
  return walk(value, 0, new WeakSet()) as T;
}

/** Anything in a line that could need redacting; most lines have none and are passed through untouched. */
const SUSPECT = new RegExp([SECRET_KEY.source, ...SECRET_IN_TEXT.map(([p]) => p.source)].join("|"), "i");

/**
 * One serialized log line (pino's JSON), redacted. Working on the finished line reaches everything
 * pino wrote into it: the merged object, child bindings, serialized errors with their own fields and
 * causes, and the message. A line that is not JSON is scrubbed as text.
 */
export function redactLogLine(line: string): string {
  if (!SUSPECT.test(line)) return line;
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
  } catch {
    return redactText(line);
  }
}
