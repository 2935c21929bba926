import { eq } from "drizzle-orm";
import type { Auth } from "../../auth";
import type { Db } from "../../db/client";
import { brands, user } from "../../db/schema";
import { createBrand } from "../brands/brands";

export interface DemoAccount {
  email: string;
  password: string;
  brandSlug: string;
  created: boolean;
}

/**
 * Makes sure the demo operator (an instance administrator) and the demo brand exist.
 * Idempotent: a second run changes nothing and reports created=false.
 */
export async function seedDemo(deps: { db: Db; auth: Auth }, input: { email: string; password: string }): Promise<DemoAccount> {
  let [existing] = await deps.db.select({ id: user.id }).from(user).where(eq(user.email, input.email)).limit(1);
  let created = false;
  if (!existing) {
    const result = await deps.auth.api.signUpEmail({ body: { email: input.email, password: input.password, name: "Demo Operator" } });
    existing = { id: result.user.id };
    created = true;
  }
  await deps.db.update(user).set({ isInstanceAdmin: true }).where(eq(user.id, existing.id));
  const [brand] = await deps.db.select({ slug: brands.slug }).from(brands).where(eq(brands.createdBy, existing.id)).limit(1);
  const slug = brand?.slug ?? (await createBrand(deps, { userId: existing.id, name: "Demo Brand" })).slug;
  return { email: input.email, password: input.password, brandSlug: slug, created };
}
