/**
 * `tsx scripts/update-admin-schema.ts`: refreshes the Admin API introspection files the emulator
 * validates against (src/emulator/admin/schemas/) from the npm package that ships them. Run it by
 * hand when moving to a newer package version; `npm ci` and the tests never fetch anything.
 *
 * It downloads only the package's tarball (`npm pack`), checks it against the pinned integrity,
 * recompresses each admin_<version>.json.gz with brotli (half the size of the shipped gzip) and
 * prints the sha256 of each decompressed JSON for SCHEMA_FILES in src/emulator/admin/schema.ts.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompressSync, constants, gunzipSync } from "node:zlib";
import { SCHEMA_DIR, SCHEMA_SOURCE } from "../src/emulator/admin/schema";

const run = promisify(execFile);

const work = await mkdtemp(path.join(os.tmpdir(), "brandbase-schema-"));
try {
  const { stdout } = await run("npm", ["pack", SCHEMA_SOURCE.package, "--silent", "--pack-destination", work], { maxBuffer: 1 << 20 });
  const tarball = path.join(work, stdout.trim().split("\n").pop()!);
  const digest = `sha512-${createHash("sha512").update(await readFile(tarball)).digest("base64")}`;
  if (digest !== SCHEMA_SOURCE.integrity) throw new Error(`${SCHEMA_SOURCE.package} failed its integrity check (${digest})`);
  const members = SCHEMA_SOURCE.versions.map((v) => `package/dist/data/admin_${v}.json.gz`);
  await run("tar", ["-xzf", tarball, "-C", work, ...members]);
  const hashes: Record<string, string> = {};
  for (const version of SCHEMA_SOURCE.versions) {
    const json = gunzipSync(await readFile(path.join(work, `package/dist/data/admin_${version}.json.gz`)));
    hashes[version] = createHash("sha256").update(json).digest("hex");
    const compressed = brotliCompressSync(json, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: json.length },
    });
    await writeFile(path.join(SCHEMA_DIR, `admin-${version}.json.br`), compressed);
    console.log(`admin-${version}.json.br  ${(compressed.length / 1024).toFixed(0)} KB`);
  }
  console.log(`\nsha256 of each decompressed file, for SCHEMA_FILES:\n${JSON.stringify(hashes, null, 2)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
