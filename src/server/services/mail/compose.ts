import type { MailKind } from "../../db/schema";

/** Where a message's secret link goes in its bodies; the link itself is stored apart. */
export const SECRET_LINK = "{{secret_link}}";
/** What a reader sees in place of a link that was erased after delivery. */
export const ERASED_LINK = "[link removed after delivery]";

export interface ComposedMail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  secretLink?: string;
  brandId?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Names people typed go into subjects: one line, bounded. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim().slice(0, 120);
}

/** Puts the link (or the erased marker) where the placeholder is. */
export function fillSecretLink(body: { text: string; html: string | null }, link: string | null): { text: string; html: string | null } {
  return {
    text: body.text.replaceAll(SECRET_LINK, link ?? ERASED_LINK),
    html: body.html?.replaceAll(SECRET_LINK, link ? escapeHtml(link) : "#") ?? null,
  };
}

function layout(paragraphs: string[], action: { label: string }, footer: string): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${p}</p>`).join("");
  return [
    '<!doctype html><html><body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,sans-serif;color:#0f172a">',
    '<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;border:1px solid #e2e8f0">',
    '<p style="margin:0 0 24px;font-weight:600;color:#4f46e5">Brandbase</p>',
    body,
    `<p style="margin:24px 0"><a href="${SECRET_LINK}" style="background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>`,
    `<p style="margin:0;font-size:13px;color:#64748b">Or paste this link into your browser:<br>${SECRET_LINK}</p>`,
    `<p style="margin:24px 0 0;font-size:13px;color:#64748b">${footer}</p>`,
    "</div></body></html>",
  ].join("");
}

export function invitationMail(input: {
  to: string;
  brandId: string;
  brandName: string;
  inviterName: string;
  roleLabel: string;
  link: string;
  expiresAt: Date;
}): ComposedMail {
  const expires = input.expiresAt.toUTCString();
  const brand = oneLine(input.brandName);
  const inviter = oneLine(input.inviterName);
  return {
    kind: "invitation",
    to: input.to,
    brandId: input.brandId,
    secretLink: input.link,
    subject: `You're invited to join ${brand} on Brandbase`,
    text: [
      `${inviter} invited you to join ${brand} on Brandbase as ${input.roleLabel}.`,
      "",
      `Accept the invitation: ${SECRET_LINK}`,
      "",
      `The link works once and expires on ${expires}. If you did not expect it, ignore this email.`,
    ].join("\n"),
    html: layout(
      [`<strong>${escapeHtml(inviter)}</strong> invited you to join <strong>${escapeHtml(brand)}</strong> on Brandbase as ${escapeHtml(input.roleLabel)}.`],
      { label: "Accept invitation" },
      `The link works once and expires on ${escapeHtml(expires)}. If you did not expect it, ignore this email.`,
    ),
  };
}

export function passwordResetMail(input: { to: string; name: string; link: string }): ComposedMail {
  return {
    kind: "password_reset",
    to: input.to,
    secretLink: input.link,
    subject: "Reset your Brandbase password",
    text: [
      `Hello ${oneLine(input.name)},`,
      "",
      `Someone asked to reset the password of your Brandbase account. Choose a new one here: ${SECRET_LINK}`,
      "",
      "The link expires in one hour. If it was not you, ignore this email: your password stays as it is.",
    ].join("\n"),
    html: layout(
      [`Hello ${escapeHtml(oneLine(input.name))},`, "Someone asked to reset the password of your Brandbase account."],
      { label: "Choose a new password" },
      "The link expires in one hour. If it was not you, ignore this email: your password stays as it is.",
    ),
  };
}

export function verificationMail(input: { to: string; name: string; link: string }): ComposedMail {
  return {
    kind: "email_verification",
    to: input.to,
    secretLink: input.link,
    subject: "Confirm your email address for Brandbase",
    text: [
      `Hello ${oneLine(input.name)},`,
      "",
      `Confirm that this address is yours: ${SECRET_LINK}`,
      "",
      "The link expires in one hour. If you did not create a Brandbase account, ignore this email.",
    ].join("\n"),
    html: layout(
      [`Hello ${escapeHtml(oneLine(input.name))},`, "Confirm that this address is yours."],
      { label: "Confirm email address" },
      "The link expires in one hour. If you did not create a Brandbase account, ignore this email.",
    ),
  };
}
