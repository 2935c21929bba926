import { z } from "zod";
import { PRODUCT_SORTS } from "../../services/analytics/products";

const currencyCode = z.string().regex(/^[A-Z]{3}$/, "a currency code like USD");
const localDay = z.iso.date("a day like 2026-03-31");
const search = z.string().trim().max(100, "at most 100 characters").nullish();

export const overviewInput = z.object({
  days: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365), z.literal("all")]).default(30),
  currency: currencyCode.nullish(),
});

export const ordersInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.object({ createdAt: z.date(), id: z.uuid() }).nullish(),
    status: z.string().max(40).nullish(),
    cancelled: z.enum(["only", "exclude"]).nullish(),
    q: search,
    from: localDay.nullish(),
    to: localDay.nullish(),
  })
  .refine((i) => !i.from || !i.to || i.from <= i.to, { message: "must not be after To", path: ["from"] });

export const orderInput = z.object({ orderId: z.uuid("an order id") });

export const productsInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.number().int().min(0).max(1_000_000).nullish(),
  q: search,
  sort: z.enum(PRODUCT_SORTS).default("title"),
});
