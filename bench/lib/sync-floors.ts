import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";

/**
 * Lower bounds for loading the rows a history sync wrote, measured on the same rows in the same
 * database, one table after the other on one connection:
 *   copy    COPY straight into the empty production tables: nothing can load them faster;
 *   insert  COPY into an unlogged staging table, then INSERT … SELECT with no conflict handling
 *           (what a first sync into an empty store could do);
 *   upsert  the same staging, then INSERT … SELECT … ON CONFLICT with the sync's guards (what a
 *           sync must do when rows may already be there).
 * The rows are the sync's own output, dumped to COPY files untimed, so the floors need nothing of
 * the sync's internals. Run only after the sync's figures are taken: they empty the tables.
 */

interface FloorTable {
  table: string;
  conflict: string;
  /** What happens to a row that is already there. */
  onConflict: "newer" | "keep" | "replace";
}

// Children keyed under their parent; versioned roots keep the newer `updated_at`; variants are replaced.
const TABLES: FloorTable[] = [
  { table: "shop_orders", conflict: "store_id, shopify_id", onConflict: "newer" },
  { table: "shop_line_items", conflict: "store_id, order_shopify_id, shopify_id", onConflict: "keep" },
  { table: "shop_refunds", conflict: "store_id, order_shopify_id, shopify_id", onConflict: "keep" },
  { table: "shop_customers", conflict: "store_id, shopify_id", onConflict: "newer" },
  { table: "shop_products", conflict: "store_id, shopify_id", onConflict: "newer" },
  { table: "shop_variants", conflict: "store_id, shopify_id", onConflict: "replace" },
];

export interface Floors {
  copy_s: number;
  staging_copy_s: number;
  insert_s: number;
  upsert_s: number;
  /** Milliseconds per table, per floor. */
  ms: { copy: Record<string, number>; staging_copy: Record<string, number>; insert: Record<string, number>; upsert: Record<string, number> };
  rows: Record<string, number>;
}

const seconds = (ms: Record<string, number>) => Number((Object.values(ms).reduce((a, b) => a + b, 0) / 1000).toFixed(2));

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(performance.now() - t0);
}

export async function measureFloors(sql: postgres.Sql, input: { storeId: string; databaseUrl: string }): Promise<Floors> {
  const dir = path.join(os.tmpdir(), `brandbase-floor-${process.pid}`);
  const columns = new Map<string, string[]>();
  const files = new Map<string, string>();
  const rows: Record<string, number> = {};
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    // Untimed: the columns the sync writes (all but the surrogate id, which a load generates), and the rows.
    for (const { table } of TABLES) {
      const cols = await sql<{ column_name: string }[]>`select column_name from information_schema.columns
        where table_schema = 'public' and table_name = ${table} and column_name <> 'id' order by ordinal_position`;
      columns.set(table, cols.map((c) => c.column_name));
      const file = path.join(dir, `${table}.tsv`);
      files.set(table, file);
      // A connection of its own per dump: a pooled one that served a COPY TO left the next query hanging (postgres.js 3.4).
      const dump = postgres(input.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const out = await dump.unsafe(`copy (select ${columns.get(table)!.join(", ")} from ${table} where store_id = '${input.storeId}') to stdout`).readable();
        await pipeline(out, createWriteStream(file));
      } finally {
        await dump.end();
      }
      rows[table] = Number((await sql.unsafe(`select count(*) as n from ${table} where store_id = $1`, [input.storeId]))[0]!.n);
    }
    const empty = async () => {
      await sql.unsafe(`truncate ${TABLES.map((t) => t.table).join(", ")}`);
      await sql`checkpoint`;
    };
    const copyInto = async (target: string, table: string) => {
      const stream = await sql.unsafe(`copy ${target} (${columns.get(table)!.join(", ")}) from stdin`).writable();
      await pipeline(createReadStream(files.get(table)!), stream);
    };
    const ms: Floors["ms"] = { copy: {}, staging_copy: {}, insert: {}, upsert: {} };

    await empty();
    for (const { table } of TABLES) ms.copy[table] = await timed(() => copyInto(table, table));

    await sql`create schema if not exists bench_floor`;
    for (const { table } of TABLES) {
      await sql.unsafe(`create unlogged table bench_floor.${table} as select ${columns.get(table)!.join(", ")} from ${table} with no data`);
    }
    await sql`checkpoint`;
    for (const { table } of TABLES) ms.staging_copy[table] = await timed(() => copyInto(`bench_floor.${table}`, table));

    await empty();
    for (const { table } of TABLES) {
      const cols = columns.get(table)!.join(", ");
      ms.insert[table] = await timed(() => sql.unsafe(`insert into ${table} (${cols}) select ${cols} from bench_floor.${table}`));
    }

    await empty();
    for (const t of TABLES) {
      const cols = columns.get(t.table)!;
      const keys = t.conflict.split(", ");
      const set = cols.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ");
      const action =
        t.onConflict === "keep" ? "do nothing" : `do update set ${set}${t.onConflict === "newer" ? ` where ${t.table}.updated_at < excluded.updated_at` : ""}`;
      ms.upsert[t.table] = await timed(() =>
        sql.unsafe(`insert into ${t.table} (${cols.join(", ")}) select ${cols.join(", ")} from bench_floor.${t.table} on conflict (${t.conflict}) ${action}`),
      );
    }
    for (const { table } of TABLES) {
      const n = Number((await sql.unsafe(`select count(*) as n from ${table} where store_id = $1`, [input.storeId]))[0]!.n);
      if (n !== rows[table]) throw new Error(`floor: ${table} holds ${n} rows after the upsert, the sync wrote ${rows[table]}`);
    }
    return { copy_s: seconds(ms.copy), staging_copy_s: seconds(ms.staging_copy), insert_s: seconds(ms.insert), upsert_s: seconds(ms.upsert), ms, rows };
  } finally {
    await sql`drop schema if exists bench_floor cascade`;
    await rm(dir, { recursive: true, force: true });
  }
}
