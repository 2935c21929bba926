import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAuth } from "~/server/auth";
import type { Infra } from "~/server/infra";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

describe.skipIf(!servicesReady)("brands, members and invitations", () => {
  let infra: Infra;
  beforeAll(() => {
    infra = testInfra();
  });
  afterAll(() => infra.close());

  async function brandWithOwner() {
    const owner = await createUser("owner");
    const caller = callerFor(owner, infra);
    const brand = await caller.brands.create({ name: "Acme Coffee" });
    return { owner, caller, brand };
  }

  it("creates a brand with the creator as owner and a URL slug, suffixing taken slugs", async () => {
    const { caller, brand } = await brandWithOwner();
    expect(brand.role).toBe("owner");
    expect(brand.slug).toMatch(/^acme-coffee(-[a-z0-9]{4})?$/);
    const second = await caller.brands.create({ name: "Acme Coffee" });
    expect(second.slug).not.toBe(brand.slug);
    expect((await caller.brands.list()).map((b) => b.id)).toEqual(expect.arrayContaining([brand.id, second.id]));
  });

  it("names the field when a brand name is bad", async () => {
    const { caller } = await brandWithOwner();
    await expect(caller.brands.create({ name: " x " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fields: { name: "Brand name must be at least 2 characters" } },
    });
  });

  it("runs the whole invitation path: invite → accept → role change takes effect → remove", async () => {
    const { caller, brand } = await brandWithOwner();
    const teammate = await createUser("teammate");
    const invite = await caller.members.invite({ brand: brand.slug, email: teammate.email.toUpperCase(), role: "analyst" });
    expect(invite.url).toMatch(/\/invite\/[\w-]{40,}$/);
    const token = invite.url.split("/").pop()!;

    const anonymous = callerFor(null, infra);
    expect(await anonymous.invitations.preview({ token })).toEqual({ brandName: "Acme Coffee", email: teammate.email, role: "analyst" });

    const mate = callerFor(teammate, infra);
    await expect(mate.members.list({ brand: brand.slug })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await mate.invitations.accept({ token })).toMatchObject({ brandSlug: brand.slug, role: "analyst" });
    await expect(mate.invitations.accept({ token })).rejects.toMatchObject({ code: "CONFLICT" });

    // Analysts read but cannot act.
    expect((await mate.members.list({ brand: brand.slug })).map((m) => m.email)).toContain(teammate.email);
    await expect(mate.queues.retry({ brand: brand.slug, queue: "sync", jobId: "no-such-job" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(mate.members.invite({ brand: brand.slug, email: "x@example.test", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await caller.members.changeRole({ brand: brand.slug, userId: teammate.id, role: "admin" });
    expect((await mate.brands.get({ brand: brand.slug })).role).toBe("admin");
    // Past the role check: an admin's retry of a job the brand does not have is NOT_FOUND, not FORBIDDEN.
    await expect(mate.queues.retry({ brand: brand.slug, queue: "sync", jobId: "no-such-job" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Admins still cannot manage members.
    await expect(mate.members.remove({ brand: brand.slug, userId: teammate.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await caller.members.remove({ brand: brand.slug, userId: teammate.id });
    await expect(mate.members.list({ brand: brand.slug })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses to invite an existing member or a malformed address, naming the email field", async () => {
    const { owner, caller, brand } = await brandWithOwner();
    await expect(caller.members.invite({ brand: brand.slug, email: owner.email, role: "admin" })).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { fields: { email: `${owner.email} is already a member of this brand` } },
    });
    await expect(caller.members.invite({ brand: brand.slug, email: "not-an-email", role: "admin" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { fields: { email: expect.stringMatching(/valid email/) } },
    });
  });

  it("replaces an open invitation when the same address is invited again, and honours revocation", async () => {
    const { caller, brand } = await brandWithOwner();
    const first = await caller.members.invite({ brand: brand.slug, email: "again@example.test", role: "analyst" });
    const second = await caller.members.invite({ brand: brand.slug, email: "again@example.test", role: "admin" });
    const open = await caller.members.invitations({ brand: brand.slug });
    expect(open.map((i) => [i.email, i.role])).toEqual([["again@example.test", "admin"]]);
    const anonymous = callerFor(null, infra);
    await expect(anonymous.invitations.preview({ token: first.url.split("/").pop()! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await caller.members.revokeInvitation({ brand: brand.slug, invitationId: second.id });
    await expect(anonymous.invitations.preview({ token: second.url.split("/").pop()! })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("only lets the invited address accept", async () => {
    const { caller, brand } = await brandWithOwner();
    const invite = await caller.members.invite({ brand: brand.slug, email: "someone-else@example.test", role: "analyst" });
    const intruder = callerFor(await createUser("intruder"), infra);
    await expect(intruder.invitations.accept({ token: invite.url.split("/").pop()! })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("never leaves a brand without an owner", async () => {
    const { owner, caller, brand } = await brandWithOwner();
    await expect(caller.members.changeRole({ brand: brand.slug, userId: owner.id, role: "admin" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.members.remove({ brand: brand.slug, userId: owner.id })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe.skipIf(!servicesReady)("sign-up rules", () => {
  it("rejects a weak password and a duplicate account with clear messages", async () => {
    const auth = getAuth();
    await expect(auth.api.signUpEmail({ body: { email: "weak@example.test", password: "aaaaaaaaaaaa", name: "Weak" } })).rejects.toMatchObject({
      body: { code: "WEAK_PASSWORD", message: "Password must mix letters with digits or symbols" },
    });
    const user = await createUser("dup");
    await expect(auth.api.signUpEmail({ body: { email: user.email, password: "correct-horse-42", name: "Dup" } })).rejects.toMatchObject({
      body: { code: expect.stringMatching(/ALREADY_EXISTS/) },
    });
  });
});
