import { randomBytes } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { emailSchema, passwordSchema } from "~/lib/validation";
import { type Auth, sessionsChanged } from "../../auth";
import type { Db } from "../../db/client";
import { session, user } from "../../db/schema";
import { AppError } from "../../errors";

export interface AdminGrant {
  email: string;
  /** Set when the account was created now: shown once, stored only as a hash. */
  oneTimePassword?: string;
  alreadyAdmin: boolean;
}

function parseEmail(raw: string): string {
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("BAD_REQUEST", `${JSON.stringify(raw)}: ${parsed.error.issues[0]!.message}`, { fields: { email: parsed.error.issues[0]!.message } });
  return parsed.data;
}

/** A random password that passes our own password rules (letters mixed with digits or symbols). */
function generatePassword(): string {
  for (;;) {
    const candidate = randomBytes(18).toString("base64url");
    if (passwordSchema.safeParse(candidate).success) return candidate;
  }
}

/**
 * Makes `email` an instance administrator, deliberately: an existing account is granted the role;
 * otherwise an account is created with a random password that is returned once (for the operator to
 * hand over) and stored only as a hash.
 */
export async function grantInstanceAdmin(deps: { db: Db; auth: Auth }, input: { email: string }): Promise<AdminGrant> {
  const email = parseEmail(input.email);
  const [existing] = await deps.db.select({ id: user.id, isInstanceAdmin: user.isInstanceAdmin }).from(user).where(eq(user.email, email)).limit(1);
  if (existing) {
    if (!existing.isInstanceAdmin) {
      await deps.db.update(user).set({ isInstanceAdmin: true, updatedAt: new Date() }).where(eq(user.id, existing.id));
      // Their open sessions see the role on their next call, in every web process.
      await sessionsChanged(existing.id);
    }
    return { email, alreadyAdmin: existing.isInstanceAdmin };
  }
  const oneTimePassword = generatePassword();
  const created = await deps.auth.api.signUpEmail({ body: { email, password: oneTimePassword, name: email.split("@")[0]! } });
  await deps.db.update(user).set({ isInstanceAdmin: true }).where(eq(user.id, created.user.id));
  // Signing up signs in: that session was never handed to anyone.
  await deps.db.delete(session).where(eq(session.userId, created.user.id));
  return { email, oneTimePassword, alreadyAdmin: false };
}

/** Takes the instance administrator role away (the account and its brands stay). */
export async function revokeInstanceAdmin(deps: { db: Db }, input: { email: string }): Promise<{ email: string; wasAdmin: boolean }> {
  const email = parseEmail(input.email);
  const [existing] = await deps.db.select({ id: user.id, isInstanceAdmin: user.isInstanceAdmin }).from(user).where(eq(user.email, email)).limit(1);
  if (!existing) throw new AppError("NOT_FOUND", `No account with the email ${email}`);
  if (existing.isInstanceAdmin) {
    await deps.db.update(user).set({ isInstanceAdmin: false, updatedAt: new Date() }).where(eq(user.id, existing.id));
    await sessionsChanged(existing.id);
  }
  return { email, wasAdmin: existing.isInstanceAdmin };
}

export async function listInstanceAdmins(deps: { db: Db }): Promise<{ email: string; name: string; createdAt: Date }[]> {
  return deps.db.select({ email: user.email, name: user.name, createdAt: user.createdAt }).from(user).where(eq(user.isInstanceAdmin, true)).orderBy(asc(user.email));
}
