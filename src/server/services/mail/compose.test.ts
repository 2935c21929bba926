import { describe, expect, it } from "vitest";
import { ERASED_LINK, fillSecretLink, invitationMail } from "./compose";
import { isPermanentSmtpError } from "./deliver";

const invite = (brandName: string, inviterName = "Olivia") =>
  invitationMail({
    to: "ivy@example.test",
    brandId: "00000000-0000-4000-8000-000000000000",
    brandName,
    inviterName,
    roleLabel: "Analyst",
    link: "https://app.example/invite/abc?x=1&y=2",
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });

describe("composed mail", () => {
  it("escapes names people typed in the HTML body and keeps subjects on one line", () => {
    const mail = invite('Evil <img src=x onerror="alert(1)">\r\nBcc: victim@example.test', "<b>Mallory</b>");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).not.toContain("<b>Mallory");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it("keeps the secret link out of the bodies until it is filled in, escaped for HTML", () => {
    const mail = invite("Acme");
    expect(mail.text).not.toContain("https://app.example/invite/abc");
    const filled = fillSecretLink(mail, mail.secretLink!);
    expect(filled.text).toContain("Accept the invitation: https://app.example/invite/abc?x=1&y=2");
    expect(filled.html).toContain('href="https://app.example/invite/abc?x=1&amp;y=2"');
    const erased = fillSecretLink(mail, null);
    expect(erased.text).toContain(`Accept the invitation: ${ERASED_LINK}`);
    expect(erased.html).not.toContain("app.example/invite");
  });
});

describe("SMTP errors", () => {
  it("treats 5xx refusals and malformed envelopes as permanent, the rest as transient", () => {
    expect(isPermanentSmtpError({ responseCode: 550, permanent: true })).toBe(true);
    expect(isPermanentSmtpError({ responseCode: 554 })).toBe(true);
    expect(isPermanentSmtpError({ responseCode: 503 })).toBe(false);
    expect(isPermanentSmtpError({ responseCode: 451, permanent: false })).toBe(false);
    expect(isPermanentSmtpError({ code: "EENVELOPE" })).toBe(true);
    expect(isPermanentSmtpError({ code: "ECONNECTION" })).toBe(false);
    expect(isPermanentSmtpError({ code: "ETIMEDOUT" })).toBe(false);
    expect(isPermanentSmtpError(new Error("socket hang up"))).toBe(false);
  });
});
