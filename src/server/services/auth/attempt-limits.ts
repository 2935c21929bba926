import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { RateLimitPort, RateLimitRule } from "../../infra/rate-limit/port";
import type { Logger } from "../../logger";

/**
 * better-auth endpoints that take a password or send mail: each attempt counts against the client's
 * address and against the account it names. (Paths that do not exist in this version cost nothing.)
 */
export const LIMITED_AUTH_PATHS = new Set(["/sign-in/email", "/sign-up/email", "/request-password-reset", "/forget-password", "/reset-password", "/send-verification-email"]);

export const ADDRESS_WINDOW_SECONDS = 10;
export const ACCOUNT_WINDOW_SECONDS = 15 * 60;

export type AttemptVerdict = { allowed: true } | { allowed: false; scope: "address" | "account"; retryAfterSeconds: number };

/**
 * An IPv6 client usually holds a whole /64, so one address per /64 is what a limit can count;
 * IPv4 addresses count one by one.
 */
export function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "").toLowerCase()).join(":")}::/64`;
}

/** Accounts are counted by a hash of the normalized email, so Redis holds no addresses. */
function accountKey(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
}

/**
 * Counts one attempt for the client address and for the account, in the shared rate-limit store
 * (Redis: every web process sees the same counts). The address is checked first, so a locked-out
 * address does not also use up the account's budget. When the store is unreachable the attempt is
 * let through and the failure logged: sign-in keeps working without Redis, as the product does.
 */
export async function checkAuthAttempt(
  deps: { rateLimit: RateLimitPort; log: Logger },
  input: { ip: string; email: string | null; perAddress: number; perAccount: number },
): Promise<AttemptVerdict> {
  const addressRule: RateLimitRule = { points: input.perAddress, windowSeconds: ADDRESS_WINDOW_SECONDS };
  const accountRule: RateLimitRule = { points: input.perAccount, windowSeconds: ACCOUNT_WINDOW_SECONDS };
  try {
    const byAddress = await deps.rateLimit.consume(`auth:address:${addressKey(input.ip)}`, addressRule);
    if (!byAddress.allowed) return { allowed: false, scope: "address", retryAfterSeconds: seconds(byAddress.retryAfterMs) };
    if (!input.email?.trim()) return { allowed: true };
    const byAccount = await deps.rateLimit.consume(`auth:account:${accountKey(input.email)}`, accountRule);
    if (!byAccount.allowed) return { allowed: false, scope: "account", retryAfterSeconds: seconds(byAccount.retryAfterMs) };
    return { allowed: true };
  } catch (err) {
    deps.log.error({ err }, "sign-in rate limit unavailable; attempt allowed");
    return { allowed: true };
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
