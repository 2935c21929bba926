import { APIError } from "better-auth/api";
import { CLIENT_IP_HEADER } from "../trusted-proxy";
import { getEnv } from "../env";
import { getInfra } from "../infra";
import { getLogger } from "../logger";
import { checkAuthAttempt, LIMITED_AUTH_PATHS } from "../services/auth/attempt-limits";

export const isLimitedAuthPath = (path: string) => LIMITED_AUTH_PATHS.has(path);

/**
 * Counts a sign-in / sign-up attempt against the client's address (as our web server determined it)
 * and the account it names, in Redis shared by every web process; refuses with 429 + Retry-After.
 */
export async function limitAttempt(headers: Headers | undefined, body: unknown): Promise<void> {
  const env = getEnv();
  const email = (body as { email?: unknown } | undefined)?.email;
  const verdict = await checkAuthAttempt(
    { rateLimit: getInfra().rateLimit, log: getLogger().child({ component: "auth" }) },
    {
      ip: headers?.get(CLIENT_IP_HEADER) ?? "unknown",
      email: typeof email === "string" ? email : null,
      perAddress: env.AUTH_RATE_LIMIT_MAX,
      perAccount: env.AUTH_ACCOUNT_RATE_LIMIT_MAX,
    },
  );
  if (verdict.allowed) return;
  const wait = verdict.retryAfterSeconds < 90 ? `${verdict.retryAfterSeconds} seconds` : `${Math.ceil(verdict.retryAfterSeconds / 60)} minutes`;
  const message = verdict.scope === "address" ? `Too many attempts from your address; try again in ${wait}` : `Too many attempts for this account; try again in ${wait}`;
  throw new APIError("TOO_MANY_REQUESTS", { message, code: "TOO_MANY_ATTEMPTS" }, { "Retry-After": String(verdict.retryAfterSeconds) });
}
