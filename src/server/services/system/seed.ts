import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Auth } from "../../auth";
import type { Db } from "../../db/client";
import { account, brands, session, user } from "../../db/schema";
import { createBrand } from "../brands/brands";

export interface DemoAccount {
  email: string;
  password: string;
  brandSlug: string;
  created: boolean;
}

/**
 * Demo mode only: makes sure the demo operator and the demo brand exist. The operator owns the
 * brand and is never an instance administrator — its password is printed for anyone to read — so an
 * administrator role left over from an earlier version is taken away. Idempotent: a second run
 * changes nothing and reports created=false.
 */
export async function seedDemo(deps: { db: Db; auth: Auth }, input: { email: string; password: string }): Promise<DemoAccount> {
  let [existing] = await deps.db.select({ id: user.id }).from(user).where(eq(user.email, input.email)).limit(1);
  let created = false;
  if (!existing) {
    const result = await deps.auth.api.signUpEmail({ body: { email: input.email, password: input.password, name: "Demo Operator" } });
    existing = { id: result.user.id };
    created = true;
  }
  await deps.db.update(user).set({ isInstanceAdmin: false }).where(and(eq(user.id, existing.id), eq(user.isInstanceAdmin, true)));
  const [brand] = await deps.db.select({ slug: brands.slug }).from(brands).where(eq(brands.createdBy, existing.id)).limit(1);
  const slug = brand?.slug ?? (await createBrand(deps, { userId: existing.id, name: "Demo Brand" })).slug;
  return { email: input.email, password: input.password, brandSlug: slug, created };
}

/**
 * Outside demo mode nothing is seeded, but a database that once ran in demo mode may still hold the
 * demo account with its published password — a login anyone can read in the README. Such an account
 * is closed: no administrator role, its password replaced by a random one nobody knows, its sessions
 * ended (its owner can still "Forgot password?" their way back). Returns whether it was closed.
 */
export async function retireDemoAccount(deps: { db: Db; auth: Auth }, input: { email: string; password: string }): Promise<boolean> {
  const [row] = await deps.db
    .select({ id: user.id, hash: account.password })
    .from(user)
    .innerJoin(account, and(eq(account.userId, user.id), eq(account.providerId, "credential")))
    .where(eq(user.email, input.email))
    .limit(1);
  if (!row?.hash) return false;
  const ctx = await deps.auth.$context;
  if (!(await ctx.password.verify({ hash: row.hash, password: input.password }))) return false;
  const unusable = await ctx.password.hash(randomBytes(32).toString("base64url"));
  await deps.db.transaction(async (tx) => {
    await tx.update(user).set({ isInstanceAdmin: false }).where(eq(user.id, row.id));
    await tx.update(account).set({ password: unusable }).where(and(eq(account.userId, row.id), eq(account.providerId, "credential")));
    await tx.delete(session).where(eq(session.userId, row.id));
  });
  return true;
}
