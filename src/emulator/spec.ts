import type { StoreSpec } from "./store/types";

const DAY = 86_400_000;

export interface StoreOptions {
  seed?: number;
  orders?: number;
  customers?: number;
  products?: number;
  /** History length ending at `endAt`. */
  days?: number;
  /** Epoch ms or ISO date; defaults to the start of the current UTC hour. */
  endAt?: number | string;
  /** The shop's currency first, then those customers may also pay in. */
  currencies?: string[];
  /** Show ids with 18 digits, as Shopify's samples and test notifications do. */
  bigIds?: boolean;
}

/**
 * A store spec with sensible defaults. History ends "now" (to the hour) unless told otherwise, so a
 * fresh demo store has orders from the last few days; pass `endAt` for byte-identical stores.
 */
export function defaultSpec(options: StoreOptions | Record<string, unknown>, now: number): StoreSpec {
  const o = options as StoreOptions;
  const orders = Math.max(0, Math.floor(Number(o.orders ?? 1000)));
  const endAt = o.endAt === undefined ? Math.floor(now / 3_600_000) * 3_600_000 : typeof o.endAt === "number" ? o.endAt : Date.parse(o.endAt);
  if (!Number.isFinite(endAt)) throw new Error(`Invalid endAt ${String(o.endAt)}`);
  const days = Math.max(1, Number(o.days ?? 730));
  return {
    seed: Math.floor(Number(o.seed ?? 42)) >>> 0,
    orders,
    customers: Math.max(1, Math.floor(Number(o.customers ?? Math.max(1, Math.round(orders / 4))))),
    products: Math.max(1, Math.floor(Number(o.products ?? Math.min(5000, Math.max(20, Math.round(orders / 200)))))),
    startAt: endAt - days * DAY,
    endAt,
    currencies: o.currencies?.length ? o.currencies : ["USD", "EUR", "GBP"],
    ...(o.bigIds === true || String(o.bigIds) === "true" ? { bigIds: true } : {}),
  };
}
