import { z } from "zod";
import { CUSTOMER_SORTS } from "../../services/identity/customers";
import { LIMITED_KINDS, type LimitedKind } from "../../services/identity/settings";

const profileId = z.string().regex(/^[1-9]\d{0,17}$/, "a customer id");

export const sourceNameInput = z.object({ name: z.string().trim().min(1, "Enter a name").max(80, "at most 80 characters") });
export const sourceRefInput = z.object({ sourceId: z.uuid("a source id") });
export const rotateKeyInput = sourceRefInput.extend({ graceHours: z.number().int().min(0, "0 or more hours").max(24 * 30, "at most 30 days").default(24) });
export const renameSourceInput = sourceRefInput.extend(sourceNameInput.shape);
export const revokeSourceInput = sourceRefInput.extend({ revoked: z.boolean() });

const money = z.number().min(0, "0 or more").max(1e12);
const count = z.number().int().min(0, "0 or more").max(1e9);

export const customersInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.object({ value: z.string().max(64).nullable(), id: z.number().int().positive() }).nullish(),
    sort: z.enum(CUSTOMER_SORTS).default("lastSeen"),
    q: z.string().trim().max(100, "at most 100 characters").nullish(),
    netMin: money.nullish(),
    netMax: money.nullish(),
    ordersMin: count.nullish(),
    ordersMax: count.nullish(),
    lastOrderFrom: z.date().nullish(),
    lastOrderTo: z.date().nullish(),
    emailConsent: z.boolean().nullish(),
    sourceId: z.uuid("a source id").nullish(),
  })
  .refine((i) => i.netMin == null || i.netMax == null || i.netMin <= i.netMax, { message: "must not be above the maximum", path: ["netMin"] })
  .refine((i) => i.ordersMin == null || i.ordersMax == null || i.ordersMin <= i.ordersMax, { message: "must not be above the maximum", path: ["ordersMin"] });

export const customerInput = z.object({ profileId });

export const timelineInput = z.object({
  profileId,
  name: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(30),
  cursor: z.object({ at: z.date(), id: z.number().int().positive() }).nullish(),
});

export const unmergeInput = z.object({ mergeId: z.number().int().positive("a merge id") });

const limit = z.number().int("a whole number").min(1, "at least 1").max(100, "at most 100").nullable();
export const identitySettingsInput = z.object({
  blockedEmails: z.array(z.string().max(254, "at most 254 characters")).max(1_000, "at most 1,000 emails"),
  limits: z.object(Object.fromEntries(LIMITED_KINDS.map((k) => [k, limit])) as Record<LimitedKind, typeof limit>),
});
