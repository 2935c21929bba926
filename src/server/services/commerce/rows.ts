import type { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopVariants } from "../../db/schema";

/**
 * What a Shopify record becomes in our tables, whichever way it arrived: a webhook's REST body
 * (webhook-rows.ts) or a GraphQL node from the paginated or the bulk sync (sync/node-rows.ts).
 * The types are the tables' own columns (minus our keys), so a column added to the schema is a
 * compile error in every mapper until it is filled. Timestamps are ISO-8601 text as Shopify sends
 * them: Postgres reads them as they are, and the bulk path writes them into COPY without a Date
 * round trip per value.
 */
type TimestampsAsText<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type ShopRow<T extends { $inferSelect: object }> = TimestampsAsText<Omit<T["$inferSelect"], "id" | "brandId" | "storeId">>;

export type OrderRow = ShopRow<typeof shopOrders>;
export type LineItemRow = ShopRow<typeof shopLineItems>;
export type RefundRow = ShopRow<typeof shopRefunds>;
export type CustomerRow = ShopRow<typeof shopCustomers>;
export type ProductRow = ShopRow<typeof shopProducts>;
export type VariantRow = ShopRow<typeof shopVariants>;

/** An order with its line items and refunds. */
export interface OrderRows {
  order: OrderRow;
  lines: LineItemRow[];
  refunds: RefundRow[];
}

/** A product with its variants. */
export interface ProductRows {
  product: ProductRow;
  variants: VariantRow[];
}

/** An amount string as integer ten-thousandths (the columns' scale), exactly. */
export function amountUnits(a: string): bigint {
  const [units, frac = ""] = a.replace("-", "").split(".");
  const value = BigInt(units!) * 10_000n + BigInt((frac + "0000").slice(0, 4));
  return a.startsWith("-") ? -value : value;
}

/** Integer ten-thousandths as an amount string ("12.3400"). */
export function unitsAmount(total: bigint): string {
  const sign = total < 0n ? "-" : "";
  const abs = total < 0n ? -total : total;
  return `${sign}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, "0")}`;
}

/** Exact decimal sum of amount strings (as integer ten-thousandths, the columns' scale). */
export function sumAmounts(amounts: string[]): string {
  let total = 0n;
  for (const a of amounts) total += amountUnits(a);
  return unitsAmount(total);
}
