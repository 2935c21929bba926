/**
 * `npm run admin -- <command>`: instance administrators, made deliberately (nothing else makes one).
 *
 *   create <email>   grant the role; a new account gets a random password, printed once
 *   revoke <email>   take the role away (the account stays)
 *   list             the instance administrators
 *
 * Uses DATABASE_URL (or the embedded Postgres `npm start` runs) and BETTER_AUTH_SECRET like the app.
 */
import { ensureLocalSecret } from "./lib/local-services";

const USAGE = "usage: npm run admin -- create <email> | revoke <email> | list";

async function main(): Promise<number> {
  const [command, email, ...rest] = process.argv.slice(2);
  if (!command || rest.length > 0 || (command === "list") !== (email === undefined) || !["create", "revoke", "list"].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  // Same secrets as `npm start`, so an account created here signs in there.
  process.env.BETTER_AUTH_SECRET ??= ensureLocalSecret("auth-secret");
  const { getEnv } = await import("../src/server/env");
  const env = getEnv();
  if (env.databaseEmbedded) console.error("No DATABASE_URL: using the embedded Postgres of `npm start` (it must be running).");
  const { getAuth } = await import("../src/server/auth");
  const { closeDb, getDb } = await import("../src/server/db/client");
  const { isAppError } = await import("../src/server/errors");
  const admins = await import("../src/server/services/system/admins");
  const deps = { db: getDb(), auth: getAuth() };
  try {
    if (command === "create") {
      const grant = await admins.grantInstanceAdmin(deps, { email: email! });
      if (grant.oneTimePassword) {
        console.log(`Created ${grant.email} as an instance administrator.`);
        console.log(`Password (shown only this once; only its hash is stored): ${grant.oneTimePassword}`);
      } else {
        console.log(grant.alreadyAdmin ? `${grant.email} is already an instance administrator.` : `${grant.email} is now an instance administrator.`);
      }
    } else if (command === "revoke") {
      const result = await admins.revokeInstanceAdmin(deps, { email: email! });
      console.log(result.wasAdmin ? `${result.email} is no longer an instance administrator.` : `${result.email} was not an instance administrator.`);
    } else {
      const list = await admins.listInstanceAdmins(deps);
      if (!list.length) console.log("No instance administrators. Make one with: npm run admin -- create <email>");
      for (const a of list) console.log(`${a.email}\t${a.name}\tsince ${a.createdAt.toISOString().slice(0, 10)}`);
    }
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    console.error(err.message);
    return 1;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
