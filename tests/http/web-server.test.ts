import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createWebServer } from "~/server/web-server";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Our web server in front of a handler that answers with the headers it was given. */
async function start(opts: { trustProxy: number; appUrl?: string }): Promise<string> {
  server = createWebServer({
    handle: (req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.headers));
    },
    trustProxy: opts.trustProxy,
    appUrl: opts.appUrl ?? "http://localhost:3000",
    dev: false,
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const spoofed = {
  "x-forwarded-for": "6.6.6.6",
  "x-brandbase-client-ip": "6.6.6.6",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "evil.example",
  "x-real-ip": "6.6.6.6",
};

describe("the web server in front of Next.js", () => {
  it("without trusted proxies, writes the socket's address over every client-supplied forwarding header", async () => {
    const url = await start({ trustProxy: 0 });
    const res = await fetch(url, { headers: spoofed });
    const seen = (await res.json()) as Record<string, string>;
    expect(seen["x-brandbase-client-ip"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-forwarded-host"]).toBeUndefined();
    expect(seen["x-real-ip"]).toBeUndefined();
    // Plain http: no HSTS, whatever the client claimed.
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("behind one trusted proxy, believes only the address that proxy appended, and its scheme", async () => {
    const url = await start({ trustProxy: 1 });
    const res = await fetch(url, { headers: { ...spoofed, "x-forwarded-for": "6.6.6.6, 203.0.113.7" } });
    const seen = (await res.json()) as Record<string, string>;
    expect(seen["x-brandbase-client-ip"]).toBe("203.0.113.7");
    expect(seen["x-forwarded-for"]).toBe("203.0.113.7");
    expect(seen["x-forwarded-proto"]).toBe("https");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("sends the security headers on every response, and HSTS whenever APP_URL is https", async () => {
    const url = await start({ trustProxy: 0, appUrl: "https://brandbase.example.com" });
    const res = await fetch(`${url}/any/page`);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });
});
