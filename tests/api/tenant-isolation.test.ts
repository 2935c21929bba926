import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "~/server/api/root";
import type { Meta } from "~/server/api/trpc";
import type { Infra } from "~/server/infra";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

type AnyProcedure = { _def: { meta?: Meta; type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const brandScoped = procedures.filter(([, p]) => p._def.meta?.scope === "brand").map(([path]) => path);

/** Procedures that deliberately take no brand: adding one means adding it here, on purpose. */
const NOT_BRAND_SCOPED = new Set([
  "me.session",
  "me.get",
  "brands.list",
  "brands.create",
  "invitations.preview",
  "invitations.accept",
  "queues.pause",
  "queues.resume",
  "mail.list",
  "mail.get",
]);

async function invoke(caller: ReturnType<typeof callerFor>, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  const result = await fn(input);
  // A subscription's checks run when it is first read.
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    try {
      await iterator.next();
    } finally {
      await iterator.return?.();
    }
  }
  return result;
}

describe.skipIf(!servicesReady)("tenant isolation", () => {
  let infra: Infra;
  let victimBrand: { id: string; slug: string };
  let outsider: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    infra = testInfra();
    const owner = await createUser("victim-owner");
    victimBrand = await callerFor(owner, infra).brands.create({ name: "Victim Brand" });
    const stranger = await createUser("stranger");
    // The stranger has a brand of their own: membership somewhere must not leak into elsewhere.
    await callerFor(stranger, infra).brands.create({ name: "Stranger Brand" });
    outsider = callerFor(stranger, infra);
  });
  afterAll(() => infra.close());

  it("knows every procedure's scope, so none escapes this test by accident", () => {
    const unscoped = procedures.filter(([path, p]) => p._def.meta?.scope !== "brand" && !NOT_BRAND_SCOPED.has(path)).map(([path]) => path);
    expect(unscoped).toEqual([]);
    expect(brandScoped.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(brandScoped)("%s", (path) => {
    it.each(["slug", "id"] as const)("answers FORBIDDEN to a signed-in non-member who names the brand by %s", async (by) => {
      const brand = by === "slug" ? victimBrand.slug : victimBrand.id;
      const error = await invoke(outsider, path, { brand }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
    });
  });

  it("answers UNAUTHORIZED to anonymous callers of brand procedures", async () => {
    const anonymous = callerFor(null, infra);
    await expect(anonymous.members.list({ brand: victimBrand.slug })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("answers FORBIDDEN for a brand that does not exist, like one that does", async () => {
    await expect(outsider.members.list({ brand: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(outsider.members.list({ brand: "no-such-brand" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
