import { z } from "zod";
import { MalformedDataError } from "../../errors";

// The parts of Shopify's webhook bodies (REST shapes) we keep. Unknown fields are ignored;
// a body missing what we need fails with the field named.

/**
 * A Shopify id: a JSON number (a bigint when beyond 2^53: bodies are parsed with lossless-json.ts),
 * or its digits as text; always a bigint here, as the columns hold it.
 */
const id = z
  .union([z.bigint(), z.number().int(), z.string().regex(/^\d+$/, "must be an id")])
  .transform((v) => BigInt(v))
  .refine((v) => v > 0n, "must be a positive id");
const optionalId = z.union([id, z.null()]).optional();
const amount = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal amount"));
const time = z.string().datetime({ offset: true });

/** Money in the shop's currency and in the customer's (presentment) currency: REST's `*_set` fields. */
const moneySet = z.object({
  shop_money: z.object({ amount, currency_code: z.string().length(3) }),
  presentment_money: z.object({ amount, currency_code: z.string().length(3) }).nullish(),
});
export type MoneySet = z.output<typeof moneySet>;

export const customerBody = z.object({
  id,
  email: z.string().nullish(),
  phone: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  tags: z.string().nullish(),
  created_at: time.nullish(),
  updated_at: time,
  email_marketing_consent: z.object({ state: z.string() }).nullish(),
  sms_marketing_consent: z.object({ state: z.string() }).nullish(),
});

/**
 * A refund. Its transactions are in the presentment currency (`currency`); its line items, shipping
 * lines and order adjustments carry both currencies (`*_set`), which is how its money is known in
 * the shop's currency (webhook-rows.ts).
 */
export const refundBody = z.object({
  id,
  order_id: id,
  created_at: time.nullish(),
  transactions: z.array(z.object({ amount, kind: z.string().nullish(), status: z.string().nullish(), currency: z.string().nullish() })).default([]),
  refund_line_items: z.array(z.object({ subtotal_set: moneySet.nullish(), total_tax_set: moneySet.nullish() })).default([]),
  refund_shipping_lines: z.array(z.object({ subtotal_amount_set: moneySet.nullish() })).nullish(),
  order_adjustments: z.array(z.object({ amount_set: moneySet.nullish(), tax_amount_set: moneySet.nullish() })).default([]),
});

export const orderBody = z.object({
  id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  /** The shop's currency; the customer paid in `presentment_currency`. */
  currency: z.string().length(3),
  presentment_currency: z.string().length(3).nullish(),
  subtotal_price: amount.nullish(),
  total_tax: amount.nullish(),
  total_discounts: amount.nullish(),
  total_price: amount,
  subtotal_price_set: moneySet.nullish(),
  total_tax_set: moneySet.nullish(),
  total_discounts_set: moneySet.nullish(),
  total_price_set: moneySet.nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: time.nullish(),
  processed_at: time.nullish(),
  created_at: time,
  updated_at: time,
  customer: z.object({ id }).nullish(),
  line_items: z.array(
    z.object({ id, product_id: optionalId, variant_id: optionalId, title: z.string().nullish(), sku: z.string().nullish(), quantity: z.number().int(), price: amount, price_set: moneySet.nullish() }),
  ),
  refunds: z.array(refundBody).default([]),
});

export const productBody = z.object({
  id,
  title: z.string(),
  handle: z.string().nullish(),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  status: z.string().nullish(),
  tags: z.string().nullish(),
  created_at: time.nullish(),
  updated_at: time,
  variants: z.array(z.object({ id, title: z.string().nullish(), sku: z.string().nullish(), price: amount.nullish() })).default([]),
});

export const deletedBody = z.object({ id });

/** Parses a body or throws naming the first bad field (retrying the same body cannot help). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, topic: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new MalformedDataError(`${topic} body: ${issue.path.join(".") || "(root)"} ${issue.message}`);
}
