import { z } from "zod";

// The parts of Shopify's webhook bodies (REST shapes) we keep. Unknown fields are ignored;
// a body missing what we need fails with the field named.

const id = z.number().int().positive();
const amount = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal amount"));
const time = z.string().datetime({ offset: true });

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

export const refundBody = z.object({
  id,
  order_id: id,
  created_at: time.nullish(),
  transactions: z.array(z.object({ amount, kind: z.string().optional() })).default([]),
});

export const orderBody = z.object({
  id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: z.string().length(3),
  subtotal_price: amount.nullish(),
  total_tax: amount.nullish(),
  total_discounts: amount.nullish(),
  total_price: amount,
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: time.nullish(),
  processed_at: time.nullish(),
  created_at: time,
  updated_at: time,
  customer: z.object({ id }).nullish(),
  line_items: z.array(
    z.object({ id, product_id: z.number().nullish(), variant_id: z.number().nullish(), title: z.string().nullish(), sku: z.string().nullish(), quantity: z.number().int(), price: amount }),
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

/** Parses a body or throws naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, topic: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${topic} body: ${issue.path.join(".") || "(root)"} ${issue.message}`);
}

/** Exact decimal sum of amount strings (as integer ten-thousandths, the columns' scale). */
export function sumAmounts(amounts: string[]): string {
  let total = 0n;
  for (const a of amounts) {
    const [units, frac = ""] = a.replace("-", "").split(".");
    const value = BigInt(units!) * 10_000n + BigInt((frac + "0000").slice(0, 4));
    total += a.startsWith("-") ? -value : value;
  }
  const sign = total < 0n ? "-" : "";
  const abs = total < 0n ? -total : total;
  return `${sign}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, "0")}`;
}
