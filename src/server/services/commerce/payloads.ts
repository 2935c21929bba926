import { z } from "zod";
import { MalformedDataError } from "../../errors";

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

/** Parses a body or throws naming the first bad field (retrying the same body cannot help). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, topic: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new MalformedDataError(`${topic} body: ${issue.path.join(".") || "(root)"} ${issue.message}`);
}
