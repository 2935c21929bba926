import { z } from "zod";
import { BRAND_ROLES } from "../../db/schema/brands";

export const createBrandInput = z.object({ name: z.string() });

export const inviteMemberInput = z.object({
  email: z.string(),
  role: z.enum(BRAND_ROLES, { error: "Choose a role: owner, admin or analyst" }),
});

export const memberInput = z.object({ userId: z.string().min(1) });

export const changeRoleInput = memberInput.extend({ role: z.enum(BRAND_ROLES) });

export const invitationIdInput = z.object({ invitationId: z.uuid() });

export const invitationTokenInput = z.object({ token: z.string().min(20).max(200) });
