import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "~/app/api/sync/[brandId]/status/route";
import { getAuth } from "~/server/auth";
import type { Infra } from "~/server/infra";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

/** Signs in through better-auth as the browser would and returns the session cookie. */
async function sessionCookie(email: string): Promise<string> {
  const res = await getAuth().api.signInEmail({ body: { email, password: "correct-horse-42" }, asResponse: true });
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

describe.skipIf(!servicesReady)("GET /api/sync/{brandId}/status", () => {
  let infra: Infra;
  let brandId: string;
  let memberCookie: string;
  let strangerCookie: string;

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("status-owner");
    brandId = (await callerFor(owner, infra).brands.create({ name: "Status Brand" })).id;
    memberCookie = await sessionCookie(owner.email);
    strangerCookie = await sessionCookie((await createUser("status-stranger")).email);
  });
  afterAll(() => infra.close());

  const get = (cookie?: string) => GET(new Request(`http://localhost/api/sync/${brandId}/status`, { headers: cookie ? { cookie } : {} }));

  it("answers members with the brand's stores", async () => {
    const res = await get(memberCookie);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ brandId, stores: [] });
  });

  it("refuses anonymous callers and other brands' users", async () => {
    expect((await get()).status).toBe(401);
    expect((await get(strangerCookie)).status).toBe(403);
  });
});
