import { and, asc, eq, sql } from "drizzle-orm";
import { brandNameSchema } from "~/lib/validation";
import type { Db } from "../../db/client";
import { preparedFor } from "../../db/prepared";
import { type BrandRole, brands, memberships } from "../../db/schema";
import { AppError } from "../../errors";

export interface BrandSummary {
  id: string;
  name: string;
  slug: string;
  role: BrandRole;
}

/** Top-level paths of the app that a brand slug must not shadow. */
const RESERVED_SLUGS = new Set(["api", "brands", "invite", "sign-in", "sign-up", "admin", "forgot-password", "reset-password", "shopify", "v1", "_next", "static"]);

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  if (!base) return "brand";
  return RESERVED_SLUGS.has(base) ? `${base}-brand` : base;
}

/** Creates a brand with the caller as its owner, in one transaction. */
export async function createBrand(deps: { db: Db }, input: { userId: string; name: string }): Promise<BrandSummary> {
  const parsed = brandNameSchema.safeParse(input.name);
  if (!parsed.success) {
    throw new AppError("BAD_REQUEST", parsed.error.issues[0]!.message, { fields: { name: parsed.error.issues[0]!.message } });
  }
  const name = parsed.data;
  const base = slugify(name);
  return deps.db.transaction(async (tx) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${Math.random().toString(36).slice(2, 6)}`;
      const [brand] = await tx.insert(brands).values({ name, slug, createdBy: input.userId }).onConflictDoNothing().returning();
      if (!brand) continue;
      await tx.insert(memberships).values({ brandId: brand.id, userId: input.userId, role: "owner" });
      return { id: brand.id, name: brand.name, slug: brand.slug, role: "owner" as const };
    }
    throw new AppError("CONFLICT", "Could not find a free URL for this brand name; try another name");
  });
}

export async function listBrandsForUser(deps: { db: Db }, input: { userId: string }): Promise<BrandSummary[]> {
  return deps.db
    .select({ id: brands.id, name: brands.name, slug: brands.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(brands, eq(brands.id, memberships.brandId))
    .where(eq(memberships.userId, input.userId))
    .orderBy(asc(brands.name));
}

/**
 * The caller's membership in a brand named by slug or id. Null both when the brand does not
 * exist and when the caller is not a member, so the answer never reveals other tenants.
 */
export async function findMembership(
  deps: { db: Db },
  input: { userId: string; brand: string },
): Promise<BrandSummary | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.brand);
  const query = preparedFor(deps.db, isUuid ? "membership-by-id" : "membership-by-slug", () =>
    deps.db
      .select({ id: brands.id, name: brands.name, slug: brands.slug, role: memberships.role })
      .from(brands)
      .innerJoin(memberships, and(eq(memberships.brandId, brands.id), eq(memberships.userId, sql.placeholder("userId"))))
      .where(isUuid ? eq(brands.id, sql.placeholder("brand")) : eq(brands.slug, sql.placeholder("brand")))
      .limit(1)
      .prepare(isUuid ? "membership_by_id" : "membership_by_slug"),
  );
  const [row] = await query.execute({ userId: input.userId, brand: input.brand });
  return row ?? null;
}
