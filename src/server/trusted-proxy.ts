import { isIP } from "node:net";

/**
 * Set by our web server (`scripts/server.ts`) on every request, overwriting whatever the client
 * sent: the client's address, from the socket or from the forwarded chain as far as TRUST_PROXY hops
 * are trusted. Route handlers cannot see the socket, and Next.js passes a client's own
 * X-Forwarded-For through, so this header is the only client address the app believes.
 */
export const CLIENT_IP_HEADER = "x-brandbase-client-ip";

export interface ClientOrigin {
  ip: string;
  proto: "http" | "https";
}

/** "::ffff:10.0.0.1" → "10.0.0.1", "1.2.3.4:5678" → "1.2.3.4", "[::1]:80" → "::1"; null when it is no address. */
export function normalizeAddress(raw: string | undefined): string | null {
  let value = raw?.trim();
  if (!value) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  if (value.toLowerCase().startsWith("::ffff:") && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) ? value.toLowerCase() : null;
}

/**
 * Who is on the other end, as far as we can tell. With `trustProxy` 0 the socket's peer is the
 * client and forwarded headers are ignored. With N, the nearest N hops are our own proxies: the
 * client is the address N places from the end of X-Forwarded-For + the socket's peer (entries further
 * left were written by whoever the client is, so they are never believed). The scheme comes from the
 * socket, or with trusted proxies from X-Forwarded-Proto (which the proxy must set, not append).
 */
export function resolveClientOrigin(input: {
  socketAddress: string | undefined;
  encrypted: boolean;
  forwardedFor: string | string[] | undefined;
  forwardedProto: string | string[] | undefined;
  trustProxy: number;
}): ClientOrigin {
  const socketIp = normalizeAddress(input.socketAddress) ?? "unknown";
  const direct: ClientOrigin = { ip: socketIp, proto: input.encrypted ? "https" : "http" };
  if (input.trustProxy <= 0) return direct;
  const forwarded = [input.forwardedFor ?? []]
    .flat()
    .join(",")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, socketIp];
  const picked = chain[Math.max(0, chain.length - 1 - input.trustProxy)];
  // Like the address: a proxy that appends rather than sets the header leaves a client's own value in
  // front, so the entry counted from the right by the trusted hops is the outermost trusted proxy's.
  const protos = [input.forwardedProto ?? []].flat().join(",").split(",").map((p) => p.trim().toLowerCase()).filter(Boolean);
  const proto = protos[Math.max(0, protos.length - input.trustProxy)];
  return {
    // A proxy that wrote something other than an address: the request counts as the proxy's own.
    ip: normalizeAddress(picked) ?? socketIp,
    proto: input.encrypted || proto === "https" ? "https" : proto === "http" ? "http" : direct.proto,
  };
}

/**
 * Whether a request reached us over TLS: APP_URL is https, or our web server found it so (the
 * socket, or a trusted proxy's X-Forwarded-Proto, which it writes into the request it hands on).
 * Cookies are marked Secure when this holds.
 */
export function isHttpsRequest(request: Request, appUrl: string | undefined): boolean {
  if (appUrl?.startsWith("https://")) return true;
  if (request.headers.get("x-forwarded-proto") === "https") return true;
  return new URL(request.url).protocol === "https:";
}

const hasSecure = (setCookie: string) => /;\s*secure\s*(;|$)/i.test(setCookie);

/** One Set-Cookie value with the `Secure` attribute. */
export function withSecureAttribute(setCookie: string): string {
  return hasSecure(setCookie) ? setCookie : `${setCookie}; Secure`;
}

/** Adds `Secure` to every Set-Cookie of `response` that lacks it (for cookies set by libraries). */
export function secureCookies(response: Response): Response {
  const cookies = response.headers.getSetCookie();
  if (cookies.every(hasSecure)) return response;
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  for (const c of cookies) headers.append("set-cookie", withSecureAttribute(c));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
