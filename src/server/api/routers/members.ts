import { acceptInvitation, inviteMember, listOpenInvitations, previewInvitation, revokeInvitation } from "../../services/brands/invitations";
import { changeMemberRole, listMembers, removeMember } from "../../services/brands/members";
import { changeRoleInput, invitationIdInput, invitationTokenInput, inviteMemberInput, memberInput } from "../schemas/brands";
import { authedProcedure, brandProcedure, createTRPCRouter, publicProcedure } from "../trpc";
import { getEnv } from "../../env";

export const membersRouter = createTRPCRouter({
  list: brandProcedure().query(({ ctx }) => listMembers(ctx, { brandId: ctx.brandId })),

  invitations: brandProcedure("owner").query(({ ctx }) => listOpenInvitations(ctx, { brandId: ctx.brandId })),

  invite: brandProcedure("owner")
    .input(inviteMemberInput)
    .mutation(async ({ ctx, input }) => {
      const invitation = await inviteMember(ctx, { brandId: ctx.brandId, email: input.email, role: input.role, invitedBy: ctx.user.id });
      const url = `${getEnv().APP_URL}/invite/${invitation.token}`;
      // Until email sending exists, the link is shown to the inviter and written to the log.
      ctx.log.info({ invitationId: invitation.id, email: invitation.email, role: invitation.role, inviteUrl: url }, "invitation created");
      return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, url };
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
    .mutation(({ ctx, input }) => acceptInvitation(ctx, { token: input.token, userId: ctx.user.id, userEmail: ctx.user.email })),
});
