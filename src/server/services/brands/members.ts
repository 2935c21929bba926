import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { type BrandRole, memberships, user } from "../../db/schema";
import { AppError } from "../../errors";

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: BrandRole;
  joinedAt: Date;
}

export async function listMembers(deps: { db: Db }, input: { brandId: string }): Promise<MemberRow[]> {
  return deps.db
    .select({ userId: user.id, name: user.name, email: user.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(eq(memberships.brandId, input.brandId))
    .orderBy(asc(memberships.createdAt));
}

async function lockMember(tx: Tx, brandId: string, userId: string) {
  const [member] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.brandId, brandId), eq(memberships.userId, userId)))
    .for("update");
  if (!member) throw new AppError("NOT_FOUND", "That person is not a member of this brand");
  return member;
}

async function assertAnotherOwner(tx: Tx, brandId: string): Promise<void> {
  // Lock the owner rows so two concurrent demotions cannot both pass this check.
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.brandId, brandId), eq(memberships.role, "owner")))
    .for("update");
  if (owners.length <= 1) throw new AppError("CONFLICT", "A brand needs at least one owner; make someone else owner first");
}

export async function changeMemberRole(
  deps: { db: Db },
  input: { brandId: string; userId: string; role: BrandRole },
): Promise<MemberRow["role"]> {
  return deps.db.transaction(async (tx) => {
    const member = await lockMember(tx, input.brandId, input.userId);
    if (member.role === input.role) return input.role;
    if (member.role === "owner") await assertAnotherOwner(tx, input.brandId);
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.brandId, input.brandId), eq(memberships.userId, input.userId)));
    return input.role;
  });
}

export async function removeMember(deps: { db: Db }, input: { brandId: string; userId: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const member = await lockMember(tx, input.brandId, input.userId);
    if (member.role === "owner") await assertAnotherOwner(tx, input.brandId);
    await tx.delete(memberships).where(and(eq(memberships.brandId, input.brandId), eq(memberships.userId, input.userId)));
  });
}
