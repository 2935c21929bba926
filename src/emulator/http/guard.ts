import type { IncomingMessage } from "node:http";

/**
 * The control API (`/_emulator…`, and the landing page listing it) can reset tokens, mutate shops
 * and read every record, so only local tools may reach it — not a web page the developer happens
 * to have open:
 * - the Host header must name the emulator itself (a DNS-rebinding page arrives with its own name);
 * - a browser's cross-origin request carries an Origin, which must be the emulator's own;
 * - a body must be JSON: the content types an HTML form or a no-preflight `fetch` can send
 *   (form-encoded, multipart, text/plain) are refused, and JSON from another origin needs a CORS
 *   preflight that the emulator never grants.
 * Shopify-facing routes (OAuth, Admin GraphQL) are not guarded: they answer as Shopify does.
 */
export interface GuardOptions {
  /** The address the emulator listens on. */
  host: string;
  port: number;
  /** Further names (with or without a port) the control API answers to, e.g. a Docker service name. */
  allowedHosts?: string[];
}

export interface Refusal {
  status: number;
  message: string;
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const isControlPath = (pathname: string) => pathname === "/" || pathname === "/_emulator" || pathname.startsWith("/_emulator/");

const bracketed = (name: string) => (name.includes(":") && !name.startsWith("[") ? `[${name}]` : name);

/** The Host values the control API answers to: each allowed name with the emulator's port. */
export function allowedHostValues(opts: GuardOptions): Set<string> {
  const names = [...LOOPBACK, ...(WILDCARDS.has(opts.host) ? [] : [bracketed(opts.host.toLowerCase())])];
  const values = new Set<string>();
  for (const name of names) {
    values.add(`${name}:${opts.port}`);
    if (opts.port === 80) values.add(name);
  }
  for (const extra of opts.allowedHosts ?? []) {
    const lower = extra.trim().toLowerCase();
    if (!lower) continue;
    // "name" means name:port; "name:1234" is taken as given.
    values.add(/:\d+$/.test(lower) ? lower : `${bracketed(lower)}:${opts.port}`);
  }
  return values;
}

export function createControlGuard(opts: () => GuardOptions) {
  let cached: { key: string; hosts: Set<string> } | undefined;
  const hosts = () => {
    const o = opts();
    const key = JSON.stringify(o);
    if (cached?.key !== key) cached = { key, hosts: allowedHostValues(o) };
    return cached.hosts;
  };

  /** Why a control request is refused, or null when it may go ahead. */
  return function check(req: IncomingMessage): Refusal | null {
    const allowed = hosts();
    const host = (req.headers.host ?? "").trim().toLowerCase();
    if (!allowed.has(host)) {
      return {
        status: 403,
        message: `The control API answers only to its own address (Host ${[...allowed].join(", ")}); this request named Host "${host || "(none)"}". Start the emulator with --allowed-host to add a name.`,
      };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin.replace(/^https?:\/\//, "").toLowerCase())) {
      return { status: 403, message: `The control API refuses cross-origin requests (Origin ${origin}); call it from a local tool, not a web page.` };
    }
    if (!BODY_METHODS.has(req.method ?? "")) return null;
    const type = req.headers["content-type"];
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
    if ((type !== undefined || hasBody) && (type ?? "").split(";")[0]!.trim().toLowerCase() !== "application/json") {
      return { status: 415, message: `The control API accepts JSON only: send the body with Content-Type: application/json (got ${type ? `"${type}"` : "no content type"}).` };
    }
    return null;
  };
}
