import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadAdminSchema, readSchemaFile, SCHEMA_DIR, SCHEMA_SOURCE } from "./schema";

describe("the Admin schema files", () => {
  it("ship with the repository for every supported version and build a schema offline", async () => {
    for (const version of SCHEMA_SOURCE.versions) expect((await readSchemaFile(version)).length).toBeGreaterThan(1_000_000);
    const schema = await loadAdminSchema("2026-10");
    expect(schema.getQueryType()?.getFields().orders).toBeDefined();
    expect(schema.getMutationType()?.getFields().bulkOperationRunQuery).toBeDefined();
  });

  it("refuses a file whose content is not the recorded one, naming it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "schema-test-"));
    try {
      await cp(SCHEMA_DIR, dir, { recursive: true });
      // A valid brotli stream of different JSON: decompresses fine, fails the digest.
      const { brotliCompressSync } = await import("node:zlib");
      await writeFile(path.join(dir, "admin-2026-10.json.br"), brotliCompressSync(Buffer.from('{"data":{}}')));
      await expect(readSchemaFile("2026-10", dir)).rejects.toThrow(/admin-2026-10\.json\.br is not the Admin schema recorded for 2026-10/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
