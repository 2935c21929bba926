import { getMail, listMail } from "../../services/mail/read";
import { getMailSettings } from "../../services/mail/settings";
import { listMailInput, mailIdInput } from "../schemas/mail";
import { createTRPCRouter, instanceAdminProcedure } from "../trpc";

/** The instance's mail (the outbox without SMTP): instance administrators only, never brands. */
export const mailRouter = createTRPCRouter({
  list: instanceAdminProcedure.input(listMailInput).query(async ({ ctx, input }) => ({
    ...(await listMail(ctx, { limit: input.limit, cursor: input.cursor })),
    delivery: getMailSettings().transport,
  })),

  get: instanceAdminProcedure.input(mailIdInput).query(async ({ ctx, input }) => {
    const message = await getMail(ctx, { id: input.id });
    // Who read which message, without its contents.
    ctx.log.info({ mailId: message.id }, "mail message opened");
    return message;
  }),
});
