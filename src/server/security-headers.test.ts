import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("securityHeaders", () => {
  it("forbids framing and sniffing, and sends HSTS only over https", () => {
    const http = securityHeaders({ https: false, dev: false });
    expect(http["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(http["content-security-policy"]).not.toContain("unsafe-eval");
    expect(http).toMatchObject({ "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin", "x-frame-options": "DENY" });
    expect(http["strict-transport-security"]).toBeUndefined();
    expect(securityHeaders({ https: true, dev: false })["strict-transport-security"]).toBe("max-age=31536000");
    // Next.js's dev server evaluates code and reloads over a websocket.
    expect(securityHeaders({ https: false, dev: true })["content-security-policy"]).toMatch(/'unsafe-eval'[\s\S]*connect-src 'self' ws: wss:/);
  });
});
