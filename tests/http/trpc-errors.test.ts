import { afterAll, describe, expect, it } from "vitest";
import { GET } from "~/app/api/trpc/[trpc]/route";
import { closeInfra } from "~/server/infra";
import { servicesReady } from "../helpers/context";

/** Calls a query over HTTP exactly as the browser's tRPC client does (superjson, GET). */
async function query(path: string, input: unknown) {
  const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await GET(new Request(url));
  return { status: res.status, body: (await res.json()) as { error?: { json: { message: string; data: Record<string, unknown> } } } };
}

describe.skipIf(!servicesReady)("tRPC errors over HTTP", () => {
  afterAll(() => closeInfra());

  it("turns bad input into a 400 naming each field", async () => {
    const { status, body } = await query("invitations.preview", { token: "short" });
    expect(status).toBe(400);
    expect(body.error!.json.message).toBe("token: Too small: expected string to have >=20 characters");
    expect(body.error!.json.data).toMatchObject({ code: "BAD_REQUEST", fields: { token: "Too small: expected string to have >=20 characters" } });
  });

  it("maps a service's AppError to its status and message", async () => {
    const { status, body } = await query("invitations.preview", { token: "x".repeat(43) });
    expect(status).toBe(404);
    expect(body.error!.json.message).toBe("This invitation link is not valid (it may have been replaced or revoked)");
  });

  it("answers 401 to anonymous calls of signed-in procedures", async () => {
    const { status, body } = await query("brands.list", undefined);
    expect(status).toBe(401);
    expect(body.error!.json.message).toBe("Sign in to continue");
  });
});
