import { acceptInvitation, inviteMember, listOpenInvitations, previewInvitation, revokeInvitation } from "../../services/brands/invitations";
import { changeMemberRole, listMembers, removeMember } from "../../services/brands/members";
import { changeRoleInput, invitationIdInput, invitationTokenInput, inviteMemberInput, memberInput } from "../schemas/brands";
import { authedProcedure, brandProcedure, createTRPCRouter, publicProcedure } from "../trpc";
import { getMailSettings } from "../../services/mail/settings";

export const membersRouter = createTRPCRouter({
  list: brandProcedure().query(({ ctx }) => listMembers(ctx, { brandId: ctx.brandId })),

  invitations: brandProcedure("owner").query(({ ctx }) => listOpenInvitations(ctx, { brandId: ctx.brandId })),

  invite: brandProcedure("owner")
    .input(inviteMemberInput)
    .mutation(async ({ ctx, input }) => {
      const invitation = await inviteMember(
        { ...ctx, mail: getMailSettings() },
        { brandId: ctx.brandId, email: input.email, role: input.role, invitedBy: ctx.user.id },
      );
      // Ids only: the link is a secret (it is in the email, and shown once to the inviter).
      ctx.log.info({ invitationId: invitation.id, mailId: invitation.mailId, role: invitation.role }, "invitation created");
      return {
        id: invitation.id,
        email: invitation.email,
        role: invitation.role,
        expiresAt: invitation.expiresAt,
        url: invitation.url,
        delivery: invitation.delivery,
      };
    }),

  revokeInvitation: brandProcedure("owner")
    .input(invitationIdInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx, { brandId: ctx.brandId, invitationId: input.invitationId })),

  changeRole: brandProcedure("owner")
    .input(changeRoleInput)
    .mutation(({ ctx, input }) => changeMemberRole(ctx, { brandId: ctx.brandId, userId: input.userId, role: input.role })),

  remove: brandProcedure("owner")
    .input(memberInput)
    .mutation(({ ctx, input }) => removeMember(ctx, { brandId: ctx.brandId, userId: input.userId })),
});

export const invitationsRouter = createTRPCRouter({
  preview: publicProcedure.input(invitationTokenInput).query(({ ctx, input }) => previewInvitation(ctx, { token: input.token })),

  accept: authedProcedure
    .input(invitationTokenInput)
    .mutation(({ ctx, input }) =>
      acceptInvitation({ db: ctx.db, mail: getMailSettings() }, { token: input.token, userId: ctx.user.id, userEmail: ctx.user.email }),
    ),
});
