/** Brand roles, strongest first: owners manage members and stores, admins change settings, analysts read. */
export const BRAND_ROLES = ["owner", "admin", "analyst"] as const;
export type BrandRole = (typeof BRAND_ROLES)[number];

export const ROLE_LABELS: Record<BrandRole, string> = { owner: "Owner", admin: "Admin", analyst: "Analyst" };

const RANK: Record<BrandRole, number> = { analyst: 1, admin: 2, owner: 3 };

/** owner ⊇ admin ⊇ analyst */
export function roleAtLeast(role: BrandRole, minimum: BrandRole): boolean {
  return RANK[role] >= RANK[minimum];
}
