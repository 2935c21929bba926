import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

const run = promisify(execFile);

/**
 * Shopify's real Admin API schema, from the introspection files shipped in the npm package
 * @shopify/dev-mcp. We fetch only that package's tarball (pinned and integrity-checked) rather
 * than installing it, because its dependency tree (the Shopify CLI and more) is large and unused.
 */
export const SCHEMA_PACKAGE = {
  spec: "@shopify/dev-mcp@1.16.0",
  integrity: "sha512-tqgRnK7sQhjew+htxtleTH23nXB5fZcsrhWgEkomsorGXvLOB2mh2upwZm8uzuTDNTZnqtLMe64yIwh6s2awtw==",
  versions: ["2025-10", "2026-01", "2026-04", "2026-07", "2026-10", "unstable"],
} as const;

export const DEFAULT_API_VERSION = "2026-10";

const CACHE_DIR = path.resolve(process.env.BRANDBASE_CACHE_DIR ?? path.join(process.cwd(), "node_modules/.cache/brandbase"));

const cacheFile = (version: string) => path.join(CACHE_DIR, `shopify-admin-${version}.json.gz`);

/** Downloads the package tarball once and keeps every admin schema file it holds. */
async function fetchSchemaFiles(): Promise<void> {
  await mkdir(CACHE_DIR, { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), "brandbase-schema-"));
  try {
    const { stdout } = await run("npm", ["pack", SCHEMA_PACKAGE.spec, "--silent", "--pack-destination", work], { maxBuffer: 1 << 20 });
    const tarball = path.join(work, stdout.trim().split("\n").pop()!);
    const digest = `sha512-${createHash("sha512").update(await readFile(tarball)).digest("base64")}`;
    if (digest !== SCHEMA_PACKAGE.integrity) throw new Error(`${SCHEMA_PACKAGE.spec} failed its integrity check (${digest})`);
    const members = SCHEMA_PACKAGE.versions.map((v) => `package/dist/data/admin_${v}.json.gz`);
    await run("tar", ["-xzf", tarball, "-C", work, ...members]);
    for (const v of SCHEMA_PACKAGE.versions) await rename(path.join(work, `package/dist/data/admin_${v}.json.gz`), cacheFile(v));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const schemas = new Map<string, Promise<GraphQLSchema>>();

export function isSupportedVersion(version: string): boolean {
  return (SCHEMA_PACKAGE.versions as readonly string[]).includes(version);
}

/** The Admin schema of an API version, built once per process. */
export function loadAdminSchema(version: string = DEFAULT_API_VERSION): Promise<GraphQLSchema> {
  if (!isSupportedVersion(version)) return Promise.reject(new Error(`Unsupported Admin API version ${version}`));
  let schema = schemas.get(version);
  if (!schema) {
    schema = (async () => {
      if (!existsSync(cacheFile(version))) await fetchSchemaFiles();
      const introspection = JSON.parse(gunzipSync(await readFile(cacheFile(version))).toString("utf8")) as { data: IntrospectionQuery };
      return buildClientSchema(introspection.data);
    })();
    schema.catch(() => schemas.delete(version));
    schemas.set(version, schema);
  }
  return schema;
}
