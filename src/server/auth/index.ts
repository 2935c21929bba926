import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { passwordSchema, personNameSchema } from "~/lib/validation";
import { getDb, schema } from "../db/client";
import { getEnv } from "../env";
import { getInfra } from "../infra";
import { getLogger } from "../logger";
import { sendPasswordResetEmail, sendVerificationEmail } from "../services/mail/account";
import { CLIENT_IP_HEADER } from "../trusted-proxy";
import { isLimitedAuthPath, limitAttempt } from "./attempt-limit";
import type { Listener } from "../infra/pubsub/listener";
import { announceSessionChange, createSessionCache, listenForSessionChanges, type SessionCache } from "./session-cache";

function createAuth() {
  const env = getEnv();
  if (!env.BETTER_AUTH_SECRET) {
    throw new Error("BETTER_AUTH_SECRET is not set (npm start generates one; set it yourself in production)");
  }
  return betterAuth({
    appName: "Brandbase",
    baseURL: env.APP_URL,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: [env.APP_URL, "http://localhost:3000", "http://127.0.0.1:3000"],
    database: drizzleAdapter(getDb(), {
      provider: "pg",
      schema: { user: schema.user, session: schema.session, account: schema.account, verification: schema.verification },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      maxPasswordLength: 128,
      autoSignIn: true,
      sendResetPassword: sendPasswordResetEmail,
      resetPasswordTokenExpiresIn: 60 * 60,
      // Whoever had the old password (or a stolen session) is signed out by a reset.
      revokeSessionsOnPasswordReset: true,
    },
    // Sent only when SMTP is configured (see sendVerificationEmail); nothing needs a verified
    // address to sign in, accepting an invitation does (services/brands/invitations.ts).
    emailVerification: {
      sendVerificationEmail,
      sendOnSignUp: true,
      autoSignInAfterVerification: true,
      expiresIn: 60 * 60,
    },
    // Its limiter counts in process memory, keyed on X-Forwarded-For: `limitAttempt` replaces it.
    rateLimit: { enabled: false },
    // Sessions record the address our web server determined, not one the client wrote.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] } },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    user: {
      additionalFields: {
        isInstanceAdmin: { type: "boolean", required: false, defaultValue: false, input: false },
      },
    },
    // Every change to a user or end of a session, whichever endpoint made it, reaches the session cache.
    databaseHooks: {
      user: { update: { after: (u) => sessionsChanged(u.id) }, delete: { after: (u) => sessionsChanged(u.id) } },
      session: { delete: { after: (s) => sessionsChanged(s.userId) } },
    },
    hooks: {
      // better-auth checks length only; hold sign-ups and resets to the same rules the form shows.
      before: createAuthMiddleware(async (ctx) => {
        // Only requests from outside (`ctx.request`); the app's own calls (seeding, scripts) are not limited.
        if (ctx.request && isLimitedAuthPath(ctx.path)) await limitAttempt(ctx.headers, ctx.body);
        if (ctx.path === "/reset-password") {
          const password = passwordSchema.safeParse((ctx.body as { newPassword?: unknown } | undefined)?.newPassword ?? "");
          if (!password.success) {
            throw new APIError("BAD_REQUEST", { message: password.error.issues[0]?.message, code: "WEAK_PASSWORD" });
          }
          return;
        }
        if (ctx.path !== "/sign-up/email") return;
        const body = (ctx.body ?? {}) as { password?: unknown; name?: unknown };
        const password = passwordSchema.safeParse(body.password ?? "");
        if (!password.success) {
          throw new APIError("BAD_REQUEST", { message: password.error.issues[0]?.message, code: "WEAK_PASSWORD" });
        }
        const name = personNameSchema.safeParse(body.name ?? "");
        if (!name.success) throw new APIError("BAD_REQUEST", { message: name.error.issues[0]?.message, code: "INVALID_NAME" });
      }),
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __brandbaseAuth?: Auth; __brandbaseSessions?: Sessions };

export function getAuth(): Auth {
  globalForAuth.__brandbaseAuth ??= createAuth();
  return globalForAuth.__brandbaseAuth;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isInstanceAdmin: boolean;
}

interface Sessions {
  cache: SessionCache<SessionUser>;
  /** Nothing is answered from the cache until this process hears other processes' announcements. */
  changes: Listener;
}

function sessions(): Sessions {
  if (!globalForAuth.__brandbaseSessions) {
    const cache = createSessionCache<SessionUser>();
    const changes = listenForSessionChanges(
      { pubsub: getInfra().pubsub, cache },
      { onError: (err) => getLogger().warn({ err }, "session cache: not listening for session changes (sessions are looked up on every call)") },
    );
    globalForAuth.__brandbaseSessions = { cache, changes };
  }
  return globalForAuth.__brandbaseSessions;
}

/**
 * Starts this process listening for session changes (the web server does at start; the first
 * request would otherwise). Resolves to whether sessions are now answered from memory.
 */
export async function startSessionCache(): Promise<boolean> {
  return sessions().changes.ready();
}

/** The user's sessions or account changed (signed out, revoked, role granted…): no process answers from memory for them any more. */
export async function sessionsChanged(userId: string): Promise<void> {
  try {
    // Announcing needs no listening: a process that only changes users (the admin CLI) caches nothing.
    await announceSessionChange({ pubsub: getInfra().pubsub, cache: sessions().cache }, userId);
  } catch (err) {
    getLogger().warn({ err, userId }, "session change not announced to other processes (their cached sessions expire on their own)");
  }
}

/** The signed-in user of a request; better-auth decides, this process remembers its answer briefly (session-cache.ts). */
export async function getSessionUser(headers: Headers): Promise<SessionUser | null> {
  const load = async () => {
    const session = await getAuth().api.getSession({ headers });
    if (!session) return null;
    const u = session.user as typeof session.user & { isInstanceAdmin?: boolean | null };
    return { user: { id: u.id, email: u.email, name: u.name, isInstanceAdmin: Boolean(u.isInstanceAdmin) }, userId: u.id, expiresAt: session.session.expiresAt };
  };
  const { cache, changes } = sessions();
  // Keyed by the whole Cookie header (the same header always gets the same answer from better-auth),
  // and only while this process hears of changes; without a key, better-auth is asked.
  const cookie = headers.get("cookie");
  return cache.resolve(changes.listening() && cookie?.includes("session_token=") ? cookie : null, load);
}
