import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/**
 * Shopify's real Admin API schema: the introspection files shipped in the npm package
 * @shopify/dev-mcp, checked into this repository (brotli-compressed) so that `npm ci` is all a
 * machine needs — installing that package would pull the Shopify CLI and more, and fetching it at
 * test time needs the registry. `scripts/update-admin-schema.ts` refreshes them.
 */
export const SCHEMA_SOURCE = {
  package: "@shopify/dev-mcp@1.16.0",
  integrity: "sha512-tqgRnK7sQhjew+htxtleTH23nXB5fZcsrhWgEkomsorGXvLOB2mh2upwZm8uzuTDNTZnqtLMe64yIwh6s2awtw==",
  versions: ["2025-10", "2026-01", "2026-04", "2026-07", "2026-10", "unstable"],
} as const;

/** sha256 of each decompressed file: the same bytes as the package's dist/data/admin_<version>.json.gz holds. */
const SCHEMA_FILES: Record<(typeof SCHEMA_SOURCE.versions)[number], string> = {
  "2025-10": "9b3faadd2d03dbb916e55d55d45a7b69947d8f5de842618ffbc85115461a6885",
  "2026-01": "df9dc4c64e40e9b5690493069bd12a687c4952550738438f405ba274876dee11",
  "2026-04": "036d9a2a0a6ca263506ae079a63854b665d6cfe11ec6cb4b624fb1b0ffb69be5",
  "2026-07": "8d2cb01afdee1f5776d57a3dbfbf78b288aa6dc0f3632ac4d444e46ef544dde3",
  "2026-10": "6be93b48f31eaa37b1d1d32a753ce605d4036892271d213c7852fa06b409e9d3",
  unstable: "13ccdd436c19dfc83cc8cb5b6dd8f65dddc5050e11c8200ff38686549ad167b2",
};

export const SCHEMA_DIR = fileURLToPath(new URL("./schemas", import.meta.url));

export const DEFAULT_API_VERSION = "2026-10";

const schemas = new Map<string, Promise<GraphQLSchema>>();

export function isSupportedVersion(version: string): version is keyof typeof SCHEMA_FILES {
  return Object.hasOwn(SCHEMA_FILES, version);
}

/** The introspection JSON of a version, refused if its bytes are not the ones recorded. */
export async function readSchemaFile(version: keyof typeof SCHEMA_FILES, dir = SCHEMA_DIR): Promise<Buffer> {
  const file = `${dir}/admin-${version}.json.br`;
  const json = brotliDecompressSync(await readFile(file));
  const digest = createHash("sha256").update(json).digest("hex");
  if (digest !== SCHEMA_FILES[version]) {
    throw new Error(`${file} is not the Admin schema recorded for ${version} (sha256 ${digest}, expected ${SCHEMA_FILES[version]}); restore it or run scripts/update-admin-schema.ts`);
  }
  return json;
}

/** The Admin schema of an API version, built once per process. */
export function loadAdminSchema(version: string = DEFAULT_API_VERSION): Promise<GraphQLSchema> {
  if (!isSupportedVersion(version)) return Promise.reject(new Error(`Unsupported Admin API version ${version}`));
  let schema = schemas.get(version);
  if (!schema) {
    schema = (async () => {
      const introspection = JSON.parse((await readSchemaFile(version)).toString("utf8")) as { data: IntrospectionQuery };
      return buildClientSchema(introspection.data);
    })();
    schema.catch(() => schemas.delete(version));
    schemas.set(version, schema);
  }
  return schema;
}
