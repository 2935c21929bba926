import { describe, expect, it } from "vitest";
import { isHttpsRequest, normalizeAddress, resolveClientOrigin, secureCookies } from "./trusted-proxy";

const origin = (trustProxy: number, forwardedFor?: string, extra: { socket?: string; proto?: string; encrypted?: boolean } = {}) =>
  resolveClientOrigin({ socketAddress: extra.socket ?? "10.0.0.2", encrypted: extra.encrypted ?? false, forwardedFor, forwardedProto: extra.proto, trustProxy });

describe("resolveClientOrigin", () => {
  it("without trusted proxies the socket's peer is the client, whatever X-Forwarded-For says", () => {
    expect(origin(0)).toEqual({ ip: "10.0.0.2", proto: "http" });
    expect(origin(0, "1.2.3.4")).toEqual({ ip: "10.0.0.2", proto: "http" });
    expect(origin(0, "1.2.3.4", { proto: "https" })).toEqual({ ip: "10.0.0.2", proto: "http" });
    expect(origin(0, undefined, { encrypted: true })).toEqual({ ip: "10.0.0.2", proto: "https" });
  });

  it("with one trusted hop the client is the address our proxy appended, not what the client wrote before it", () => {
    expect(origin(1, "203.0.113.7")).toEqual({ ip: "203.0.113.7", proto: "http" });
    expect(origin(1, "6.6.6.6, 203.0.113.7")).toEqual({ ip: "203.0.113.7", proto: "http" });
    expect(origin(1, "6.6.6.6,7.7.7.7 , 203.0.113.7", { proto: "https" })).toEqual({ ip: "203.0.113.7", proto: "https" });
  });

  it("with two trusted hops it skips both proxies", () => {
    expect(origin(2, "6.6.6.6, 203.0.113.7, 10.0.0.9")).toEqual({ ip: "203.0.113.7", proto: "http" });
  });

  it("a chain shorter than the trusted hops gives its leftmost address; garbage gives the proxy's", () => {
    expect(origin(3, "203.0.113.7")).toMatchObject({ ip: "203.0.113.7" });
    expect(origin(1, "unknown")).toMatchObject({ ip: "10.0.0.2" });
    expect(origin(1, undefined)).toMatchObject({ ip: "10.0.0.2" });
  });

  it("takes the scheme the outermost trusted proxy wrote, not one a client put in front of it", () => {
    // One trusted proxy that appends: the last value is its own, whatever the client sent first.
    expect(origin(1, "203.0.113.7", { proto: "http, https" }).proto).toBe("https");
    expect(origin(1, "203.0.113.7", { proto: "https, http" }).proto).toBe("http");
    // Two trusted proxies: the outer one's entry, counted from the right.
    expect(origin(2, "203.0.113.7, 10.0.0.9", { proto: "http, https, http" }).proto).toBe("https");
    // A proxy that sets (not appends) the header: its single value.
    expect(origin(2, "203.0.113.7, 10.0.0.9", { proto: "https" }).proto).toBe("https");
    expect(origin(1, "203.0.113.7", { proto: "gopher" }).proto).toBe("http");
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["1.2.3.4:5678", "1.2.3.4"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
    [" 10.0.0.1 ", "10.0.0.1"],
  ])("%j → %j", (input, expected) => expect(normalizeAddress(input)).toBe(expected));
  it.each(["", "unknown", "1.2.3", "evil.com", undefined])("%j is no address", (input) => expect(normalizeAddress(input)).toBeNull());
});

describe("isHttpsRequest", () => {
  it("holds when APP_URL is https, or the request (as our server rewrote it) came over https", () => {
    expect(isHttpsRequest(new Request("http://localhost/x"), "https://app.example.com")).toBe(true);
    expect(isHttpsRequest(new Request("http://localhost/x", { headers: { "x-forwarded-proto": "https" } }), "http://localhost:3000")).toBe(true);
    expect(isHttpsRequest(new Request("https://localhost/x"), "http://localhost:3000")).toBe(true);
    expect(isHttpsRequest(new Request("http://localhost/x", { headers: { "x-forwarded-proto": "http" } }), "http://localhost:3000")).toBe(false);
  });
});

describe("secureCookies", () => {
  it("adds Secure to every cookie that lacks it and keeps the rest of the response", async () => {
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("set-cookie", "a=1; Path=/; HttpOnly");
    headers.append("set-cookie", "b=2; Path=/; Secure; HttpOnly");
    const res = secureCookies(new Response('{"ok":true}', { status: 201, headers }));
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly; Secure", "b=2; Path=/; Secure; HttpOnly"]);
    expect(await res.json()).toEqual({ ok: true });
  });
});
