import nodemailer from "nodemailer";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** The Message-ID header, `<id@host>`. */
  messageId: string;
}

/** Delivers one message; rejects with nodemailer's error (`permanent`, `responseCode`, `code`). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

/**
 * One connection per message, not nodemailer's pool: the pool puts a message back in its queue
 * when a connection drops mid-send, which can deliver it twice behind our back.
 */
export function createSmtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    // A job should fail and retry rather than wait minutes on a silent server.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Nodemailer's own logger is off: it would print message contents and credentials.
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        messageId: mail.messageId,
        // Bodies are our own text; nothing in them may make nodemailer read files or URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { response: String(info.response ?? "") };
    },
    close() {
      transporter.close();
    },
  };
}

const globalForSmtp = globalThis as unknown as { __brandbaseSmtp?: { url: string; transport: MailTransport } };

/** The process's transport for SMTP_URL (rebuilt if the URL changes, as tests do). */
export function getSmtpTransport(url: string): MailTransport {
  const current = globalForSmtp.__brandbaseSmtp;
  if (current?.url === url) return current.transport;
  current?.transport.close();
  const transport = createSmtpTransport(url);
  globalForSmtp.__brandbaseSmtp = { url, transport };
  return transport;
}
