import { beforeAll, afterAll, describe, expect, it } from "vitest";
import type { BrandRole } from "~/lib/roles";
import type { Infra } from "~/server/infra";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";
import { BRAND_PROCEDURES, outcome } from "../helpers/procedures";

/** The role just below each role: where a procedure's FORBIDDEN must start. */
const BELOW: Record<BrandRole, BrandRole | "non-member"> = { owner: "admin", admin: "analyst", analyst: "non-member" };

describe.skipIf(!servicesReady)("every brand procedure enforces the role its metadata declares", () => {
  let infra: Infra;
  let brand: { slug: string };
  const callers = {} as Record<BrandRole | "non-member" | "analyst+instance-admin" | "non-member+instance-admin", ReturnType<typeof callerFor>>;

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("roles-owner");
    callers.owner = callerFor(owner, infra);
    brand = await callers.owner.brands.create({ name: "Roles Brand" });
    const join = async (label: string, role: BrandRole, opts: { instanceAdmin?: boolean } = {}) => {
      const user = await createUser(label, opts);
      const { url } = await callers.owner.members.invite({ brand: brand.slug, email: user.email, role });
      const caller = callerFor(user, infra);
      await caller.invitations.accept({ token: url.split("/").pop()! });
      return caller;
    };
    callers.admin = await join("roles-admin", "admin");
    callers.analyst = await join("roles-analyst", "analyst");
    callers["analyst+instance-admin"] = await join("roles-analyst-ia", "analyst", { instanceAdmin: true });
    callers["non-member"] = callerFor(await createUser("roles-stranger"), infra);
    callers["non-member+instance-admin"] = callerFor(await createUser("roles-stranger-ia", { instanceAdmin: true }), infra);
  });
  afterAll(() => infra.close());

  it("declares a least role on every brand procedure", () => {
    const undeclared = BRAND_PROCEDURES.filter((p) => !p.meta?.minRole).map((p) => p.path);
    expect(undeclared).toEqual([]);
    // The enumeration really covers the router (a broken reflection would find nothing).
    expect(BRAND_PROCEDURES.map((p) => p.path)).toEqual(expect.arrayContaining(["members.invite", "stores.disconnect", "sync.retryStep", "queues.probe", "analytics.overview"]));
  });

  describe.each(BRAND_PROCEDURES.map((p) => [p.path, p] as const))("%s", (_path, procedure) => {
    const minRole = procedure.meta!.minRole!;
    const instanceAdmin = Boolean(procedure.meta!.instanceAdmin);

    it(`refuses a member one role below ${minRole} (FORBIDDEN)`, async () => {
      const below = BELOW[minRole];
      const caller = instanceAdmin && below === "non-member" ? callers["non-member+instance-admin"] : callers[below];
      expect(await outcome(caller, procedure.path, { brand: brand.slug })).toBe("FORBIDDEN");
    });

    it(`lets a member with ${minRole} past the role check`, async () => {
      const caller = instanceAdmin ? callers["analyst+instance-admin"] : callers[minRole];
      // Past the check the call may still refuse its (here missing) input, but never as FORBIDDEN, nor fail.
      expect([null, "BAD_REQUEST"]).toContain(await outcome(caller, procedure.path, { brand: brand.slug }));
    });

    if (instanceAdmin) {
      it("refuses a member who is not an instance administrator (FORBIDDEN)", async () => {
        expect(await outcome(callers.owner, procedure.path, { brand: brand.slug })).toBe("FORBIDDEN");
      });
    }
  });
});
