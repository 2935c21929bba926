/**
 * Where to go after signing in or up, from a `next` parameter an attacker may have written.
 * The value is parsed the way a browser parses it (backslashes as slashes, tabs and newlines
 * dropped, `..` resolved) and only a path on our own origin survives; anything else is the fallback.
 * What is returned is the parsed path, not the raw input, so what was checked is what is followed.
 */
export function safeRedirectPath(next: string | string[] | null | undefined, fallback = "/brands"): string {
  const value = Array.isArray(next) ? next[0] : next;
  // Only app paths: a scheme, a host or anything that is not a path is someone else's address.
  if (!value || !value.startsWith("/") || value.length > 2048) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that itself starts with "//" or "/\" would leave the origin once handed to a browser.
  return /^\/[/\\]/.test(path) ? fallback : path;
}

/** A stand-in origin: if the parsed URL still has it, the value never named another one. */
const PROBE_ORIGIN = "https://brandbase.invalid";
