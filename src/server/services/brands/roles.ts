import type { BrandRole } from "../../db/schema";

const RANK: Record<BrandRole, number> = { analyst: 1, admin: 2, owner: 3 };

/** owner ⊇ admin ⊇ analyst */
export function roleAtLeast(role: BrandRole, minimum: BrandRole): boolean {
  return RANK[role] >= RANK[minimum];
}
