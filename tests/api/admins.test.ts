import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getAuth } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { brands, memberships, user } from "~/server/db/schema";
import { grantInstanceAdmin, listInstanceAdmins, revokeInstanceAdmin } from "~/server/services/system/admins";
import { retireDemoAccount, seedDemo } from "~/server/services/system/seed";
import { createUser, servicesReady } from "../helpers/context";

const root = path.resolve(import.meta.dirname, "../..");
const deps = () => ({ db: getDb(), auth: getAuth() });
const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
const isAdmin = async (address: string) => (await getDb().select({ a: user.isInstanceAdmin }).from(user).where(eq(user.email, address)))[0]?.a;
const signsIn = (address: string, password: string) =>
  getAuth().api.signInEmail({ body: { email: address, password } }).then(
    () => true,
    () => false,
  );

/** `npm run admin -- …` as an operator runs it, against the test database. */
function adminScript(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/admin.ts", ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe.skipIf(!servicesReady)("instance administrators are made deliberately", () => {
  it("creates an administrator with a password shown once, grants an existing account, revokes, lists", async () => {
    const fresh = email("admin");
    const grant = await grantInstanceAdmin(deps(), { email: fresh });
    expect(grant).toMatchObject({ email: fresh, alreadyAdmin: false, oneTimePassword: expect.stringMatching(/^[\w-]{24}$/) });
    expect(await isAdmin(fresh)).toBe(true);
    expect(await signsIn(fresh, grant.oneTimePassword!)).toBe(true);
    expect(await grantInstanceAdmin(deps(), { email: fresh })).toEqual({ email: fresh, alreadyAdmin: true });

    const existing = await createUser("member");
    expect(await grantInstanceAdmin(deps(), { email: existing.email })).toEqual({ email: existing.email, alreadyAdmin: false });
    expect((await listInstanceAdmins({ db: getDb() })).map((a) => a.email)).toEqual(expect.arrayContaining([fresh, existing.email]));
    expect(await revokeInstanceAdmin({ db: getDb() }, { email: existing.email })).toEqual({ email: existing.email, wasAdmin: true });
    expect(await isAdmin(existing.email)).toBe(false);

    await expect(grantInstanceAdmin(deps(), { email: "not-an-email" })).rejects.toThrow(/"not-an-email": Enter a valid email address/);
    await expect(revokeInstanceAdmin({ db: getDb() }, { email: email("nobody") })).rejects.toThrow(/No account with the email/);
  });

  it("npm run admin -- create / list / revoke", { timeout: 120_000 }, async () => {
    const address = email("script-admin");
    const created = await adminScript("create", address);
    expect(created.code).toBe(0);
    const password = /Password \(shown only this once; only its hash is stored\): (\S+)/.exec(created.out)?.[1];
    expect(password).toBeDefined();
    expect(await signsIn(address, password!)).toBe(true);
    expect(await isAdmin(address)).toBe(true);

    const listed = await adminScript("list");
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(address);
    // The password appears nowhere but in the one line that hands it over.
    expect(listed.out).not.toContain(password);

    expect(await adminScript("revoke", address)).toMatchObject({ code: 0, out: `${address} is no longer an instance administrator.\n` });
    expect(await isAdmin(address)).toBe(false);
    expect(await adminScript("create")).toMatchObject({ code: 2, out: expect.stringContaining("usage: npm run admin") });
  });
});

describe.skipIf(!servicesReady)("the demo operator", () => {
  it("owns the demo brand and is not an instance administrator, even one left from an earlier version", async () => {
    const demo = { email: email("demo"), password: "brandbase-demo" };
    const first = await seedDemo(deps(), demo);
    expect(first.created).toBe(true);
    expect(await isAdmin(demo.email)).toBe(false);
    const [owned] = await getDb()
      .select({ role: memberships.role, name: brands.name })
      .from(memberships)
      .innerJoin(brands, eq(brands.id, memberships.brandId))
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(eq(user.email, demo.email));
    expect(owned).toEqual({ role: "owner", name: "Demo Brand" });

    await getDb().update(user).set({ isInstanceAdmin: true }).where(eq(user.email, demo.email));
    expect(await seedDemo(deps(), demo)).toMatchObject({ created: false, brandSlug: first.brandSlug });
    expect(await isAdmin(demo.email)).toBe(false);
  });

  it("outside demo mode, is closed while it still has the published password (administrator or not)", async () => {
    const demo = { email: email("old-demo"), password: "brandbase-demo" };
    await seedDemo(deps(), demo);
    await getDb().update(user).set({ isInstanceAdmin: true }).where(eq(user.email, demo.email));
    expect(await signsIn(demo.email, demo.password)).toBe(true);
    expect(await retireDemoAccount(deps(), demo)).toBe(true);
    expect(await isAdmin(demo.email)).toBe(false);
    // The published password no longer opens it, and its sessions are gone.
    expect(await signsIn(demo.email, demo.password)).toBe(false);
    const [{ n }] = (await getDb().execute(sql`select count(*)::int as n from "session" s join "user" u on u.id = s.user_id where u.email = ${demo.email}`)) as unknown as [{ n: number }];
    expect(n).toBe(0);
    // A plain owner with the published password is closed too (not only an administrator).
    const plain = { email: email("plain-demo"), password: "brandbase-demo" };
    await seedDemo(deps(), plain);
    expect(await retireDemoAccount(deps(), plain)).toBe(true);
    expect(await signsIn(plain.email, plain.password)).toBe(false);

    // An operator who changed that account's password and made it an administrator keeps it so.
    const changed = await createUser("changed-demo");
    await getDb().update(user).set({ isInstanceAdmin: true }).where(eq(user.id, changed.id));
    expect(await retireDemoAccount(deps(), { email: changed.email, password: "brandbase-demo" })).toBe(false);
    expect(await isAdmin(changed.email)).toBe(true);
  });
});
