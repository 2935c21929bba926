import { spawn } from "node:child_process";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getAuth, getSessionUser, startSessionCache } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { session } from "~/server/db/schema";
import { createUser, eventually, servicesReady, sessionCookie } from "../helpers/context";

const root = path.resolve(import.meta.dirname, "../..");

function adminScript(...args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/admin.ts", ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" }, stdio: "ignore" });
    child.on("exit", resolve);
  });
}

describe.skipIf(!servicesReady)("sessions answered from memory (src/server/auth/session-cache.ts)", () => {
  it("are remembered between calls and end at sign-out, at once", async () => {
    expect(await startSessionCache()).toBe(true);
    const operator = await createUser("cached");
    const headers = new Headers({ cookie: await sessionCookie(operator.email) });
    expect(await getSessionUser(headers)).toMatchObject({ id: operator.id, isInstanceAdmin: false });

    // Removed behind better-auth's back (no hook runs): this process still knows the cookie for a while.
    expect((await getDb().delete(session).where(eq(session.userId, operator.id)).returning()).length).toBeGreaterThan(0);
    expect(await getSessionUser(headers)).toMatchObject({ id: operator.id });

    // Through better-auth, as the sign-out button does: the very next call is refused.
    const again = new Headers({ cookie: await sessionCookie(operator.email) });
    expect(await getSessionUser(again)).toMatchObject({ id: operator.id });
    await getAuth().api.signOut({ headers: again });
    expect(await getSessionUser(again)).toBeNull();
    // Every cached session of the user went with it (the hook names the user, not one cookie).
    expect(await getSessionUser(headers)).toBeNull();
  });

  it("see a role granted or revoked by the admin CLI (another process) on their next call", { timeout: 60_000 }, async () => {
    expect(await startSessionCache()).toBe(true);
    const operator = await createUser("promoted");
    const headers = new Headers({ cookie: await sessionCookie(operator.email) });
    expect(await getSessionUser(headers)).toMatchObject({ isInstanceAdmin: false });
    expect(await getSessionUser(headers)).toMatchObject({ isInstanceAdmin: false });

    expect(await adminScript("create", operator.email)).toBe(0);
    await eventually(async () => (await getSessionUser(headers))?.isInstanceAdmin === true, { timeoutMs: 1_000, label: "the grant seen" });
    expect(await adminScript("revoke", operator.email)).toBe(0);
    await eventually(async () => (await getSessionUser(headers))?.isInstanceAdmin === false, { timeoutMs: 1_000, label: "the revocation seen" });
  });
});
