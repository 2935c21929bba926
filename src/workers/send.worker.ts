import { getDb } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { getInfra } from "~/server/infra";
import { createJobProducer, type QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
import { deliverMail } from "~/server/services/mail/deliver";
import { requeueQueuedMail } from "~/server/services/mail/outbox";
import { getSmtpTransport } from "~/server/services/mail/smtp";

/** Handlers of the `send` queue: one per job in its contract. */
export const sendHandlers: QueueHandlers<"send"> = {
  probe: runProbe,
  email: async (payload, ctx) => {
    const url = getEnv().SMTP_URL;
    // Only SMTP messages get a job; one queued before SMTP was switched off waits for it to return.
    if (!url) throw new Error("SMTP_URL is not set in this worker; the message stays queued");
    return deliverMail({ db: getDb(), transport: getSmtpTransport(url), log: ctx.log }, { messageId: payload.messageId, attempt: ctx.attempt });
  },
  requeueEmails: async (_payload, ctx) => {
    const queue = getInfra().queue;
    return { queued: await requeueQueuedMail({ db: getDb(), jobs: createJobProducer(queue), queue, log: ctx.log }, { olderThanMs: 60_000, limit: 500 }) };
  },
};
