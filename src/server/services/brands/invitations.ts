import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { ROLE_LABELS } from "~/lib/roles";
import { emailSchema } from "~/lib/validation";
import type { Db, Tx } from "../../db/client";
import { type BrandRole, brands, invitations, memberships, user } from "../../db/schema";
import { AppError } from "../../errors";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import { invitationMail } from "../mail/compose";
import { dispatchMail, queueMail } from "../mail/outbox";
import { emailVerificationRequired, type MailSettings } from "../mail/settings";
import { requireBrandChild } from "./access";

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface CreatedInvitation {
  id: string;
  email: string;
  role: BrandRole;
  expiresAt: Date;
  /** The only time the token exists outside the invitee's link (and its email). */
  token: string;
  url: string;
  mailId: string;
  /** `smtp`: emailed; `outbox`: no SMTP server, the message waits in the instance's outbox. */
  delivery: "smtp" | "outbox";
}

export const invitationUrl = (appUrl: string, token: string) => `${appUrl.replace(/\/$/, "")}/invite/${token}`;

/**
 * Invites an address to a brand and emails the link. A second invite to the same address
 * replaces the open one (a fresh link); inviting an existing member is refused. The invitation
 * and its message are committed together; delivery is queued after the commit.
 */
export async function inviteMember(
  deps: { db: Db; jobs: JobProducer; log: Logger; mail: MailSettings },
  input: { brandId: string; email: string; role: BrandRole; invitedBy: string },
): Promise<CreatedInvitation> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) {
    const message = email.error.issues[0]!.message;
    throw new AppError("BAD_REQUEST", message, { fields: { email: message } });
  }
  const token = randomBytes(32).toString("base64url");
  const url = invitationUrl(deps.mail.appUrl, token);
  const created = await deps.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ userId: user.id })
      .from(memberships)
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(and(eq(memberships.brandId, input.brandId), eq(user.email, email.data)))
      .limit(1);
    if (existing) {
      const message = `${email.data} is already a member of this brand`;
      throw new AppError("CONFLICT", message, { fields: { email: message } });
    }
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.brandId, input.brandId), eq(invitations.email, email.data), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    const [row] = await tx
      .insert(invitations)
      .values({
        brandId: input.brandId,
        email: email.data,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: input.invitedBy,
        expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      })
      .returning();
    const [brand] = await tx.select({ name: brands.name }).from(brands).where(eq(brands.id, input.brandId)).limit(1);
    const [inviter] = await tx.select({ name: user.name }).from(user).where(eq(user.id, input.invitedBy)).limit(1);
    const mail = await queueMail(
      { db: tx, settings: deps.mail },
      invitationMail({
        to: row!.email,
        brandId: input.brandId,
        brandName: brand?.name ?? "a brand",
        inviterName: inviter?.name ?? "A teammate",
        roleLabel: ROLE_LABELS[row!.role],
        link: url,
        expiresAt: row!.expiresAt,
      }),
    );
    return { invitation: row!, mail };
  });
  await dispatchMail(deps, created.mail);
  const inv = created.invitation;
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    expiresAt: inv.expiresAt,
    token,
    url,
    mailId: created.mail.id,
    delivery: created.mail.status === "outbox" ? "outbox" : "smtp",
  };
}

export async function listOpenInvitations(deps: { db: Db }, input: { brandId: string }) {
  return deps.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(
      and(
        eq(invitations.brandId, input.brandId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(deps: { db: Db }, input: { brandId: string; invitationId: string }): Promise<void> {
  await requireBrandChild(deps, { brandId: input.brandId, kind: "invitation", id: input.invitationId });
  const updated = await deps.db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.id, input.invitationId), eq(invitations.brandId, input.brandId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (updated.length === 0) throw new AppError("NOT_FOUND", "No open invitation with that id");
}

async function findOpenInvitation(db: Db | Tx, token: string) {
  const [row] = await db
    .select({ invitation: invitations, brandName: brands.name, brandSlug: brands.slug })
    .from(invitations)
    .innerJoin(brands, eq(brands.id, invitations.brandId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  if (!row || row.invitation.revokedAt) throw new AppError("NOT_FOUND", "This invitation link is not valid (it may have been replaced or revoked)");
  if (row.invitation.acceptedAt) throw new AppError("CONFLICT", "This invitation has already been accepted");
  if (row.invitation.expiresAt.getTime() < Date.now()) throw new AppError("BAD_REQUEST", "This invitation has expired; ask for a new one");
  return row;
}

/** What the invite page shows before the invitee accepts. */
export async function previewInvitation(deps: { db: Db }, input: { token: string }) {
  const row = await findOpenInvitation(deps.db, input.token);
  return { brandName: row.brandName, email: row.invitation.email, role: row.invitation.role };
}

/** True when this user has to verify their address before accepting (SMTP configured, not verified yet). */
export async function mustVerifyEmailToAccept(deps: { db: Db | Tx; mail: MailSettings }, input: { userId: string }): Promise<boolean> {
  if (!emailVerificationRequired(deps.mail)) return false;
  const [account] = await deps.db.select({ emailVerified: user.emailVerified }).from(user).where(eq(user.id, input.userId)).limit(1);
  return !account?.emailVerified;
}

/** Field name on the error that tells the invite page to offer "send the verification again". */
export const UNVERIFIED_EMAIL_FIELD = "emailVerification";

/**
 * Accepts an invitation for the signed-in user, whose email must be the invited one and, when
 * mail can reach people (SMTP), verified: otherwise anyone could sign up with an address they
 * do not own and take the seat that was meant for its owner.
 */
export async function acceptInvitation(
  deps: { db: Db; mail: MailSettings },
  input: { token: string; userId: string; userEmail: string },
): Promise<{ brandId: string; brandSlug: string; role: BrandRole }> {
  return deps.db.transaction(async (tx) => {
    const row = await findOpenInvitation(tx, input.token);
    const inv = row.invitation;
    if (inv.email !== input.userEmail.toLowerCase()) {
      throw new AppError("FORBIDDEN", `This invitation is for ${inv.email}; sign in with that address to accept it`);
    }
    if (await mustVerifyEmailToAccept({ db: tx, mail: deps.mail }, { userId: input.userId })) {
      const message = `Confirm that ${inv.email} is yours before accepting: open the link we emailed you, or send it again`;
      throw new AppError("FORBIDDEN", message, { fields: { [UNVERIFIED_EMAIL_FIELD]: message } });
    }
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: input.userId })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (claimed.length === 0) throw new AppError("CONFLICT", "This invitation has already been accepted");
    await tx.insert(memberships).values({ brandId: inv.brandId, userId: input.userId, role: inv.role }).onConflictDoNothing();
    return { brandId: inv.brandId, brandSlug: row.brandSlug, role: inv.role };
  });
}
