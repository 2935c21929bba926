import { createDeps } from "~/server/deps";
import { AppError } from "~/server/errors";
import type { QueueHandlers } from "~/server/jobs/queue";
import { runProbe } from "~/server/services/queues/probe";
import { deliverMail } from "~/server/services/mail/deliver";
import { requeueQueuedMail } from "~/server/services/mail/outbox";
import { getSmtpTransport } from "~/server/services/mail/smtp";

/** Handlers of the `send` queue: one per job in its contract. */
export const sendHandlers: QueueHandlers<"send"> = {
  probe: runProbe,
  email: async (payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    const url = deps.env.SMTP_URL;
    // Only SMTP messages get a job; one queued while this worker lacks SMTP_URL waits (retried) for it.
    if (!url) throw new AppError("SERVICE_UNAVAILABLE", "SMTP_URL is not set in this worker; the message stays queued");
    return deliverMail({ ...deps, transport: getSmtpTransport(url) }, { messageId: payload.messageId, attempt: ctx.attempt });
  },
  requeueEmails: async (payload, ctx) => {
    const deps = createDeps({ log: ctx.log });
    return { queued: await requeueQueuedMail({ ...deps, queue: deps.infra.queue }, { olderThanMs: payload.olderThanMs ?? 60_000, limit: 500 }) };
  },
};
