import { getIdentitySettings, updateIdentitySettings } from "../../services/identity/settings";
import { identitySettingsInput } from "../schemas/people";
import { brandProcedure, createTRPCRouter } from "../trpc";

export const identityRouter = createTRPCRouter({
  /** The brand's identity rules: blocked emails and per-person limits (with the defaults). */
  settings: brandProcedure().query(({ ctx }) => getIdentitySettings(ctx, { brandId: ctx.brandId })),

  updateSettings: brandProcedure("admin")
    .input(identitySettingsInput)
    .mutation(({ ctx, input }) => updateIdentitySettings(ctx, { brandId: ctx.brandId, ...input })),
});
