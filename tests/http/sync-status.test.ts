import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "~/app/api/sync/[brandId]/status/route";
import type { Infra } from "~/server/infra";
import { callerFor, createUser, servicesReady, sessionCookie, testInfra } from "../helpers/context";

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
