import { bigint, boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { user } from "./auth";
import { brands } from "./brands";

/**
 * @shopify/shopify-app-session-storage-drizzle's table, named so it cannot clash with better-auth's
 * `session`. Tokens in it are encrypted by our wrapper (src/server/shopify/session-storage.ts).
 */
export const shopifySession = pgTable(
  "shopify_session",
  {
    id: text().primaryKey(),
    shop: text().notNull(),
    state: text().notNull(),
    isOnline: boolean().notNull().default(false),
    scope: text(),
    expires: timestamp({ withTimezone: true }),
    accessToken: text().notNull(),
    userId: bigint({ mode: "number" }),
    firstName: text(),
    lastName: text(),
    email: text(),
    accountOwner: boolean(),
    locale: text(),
    collaborator: boolean(),
    emailVerified: boolean(),
    refreshToken: text(),
    refreshTokenExpires: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.shop)],
);

export const STORE_STATUSES = ["connected", "needs_reauth", "uninstalled", "disconnected"] as const;
export const storeStatus = pgEnum("store_status", STORE_STATUSES);

/** A Shopify store connected to a brand (a brand may have several). */
export const stores = pgTable(
  "stores",
  {
    id: uuid().primaryKey().defaultRandom(),
    brandId: uuid()
      .notNull()
      .references(() => brands.id, { onDelete: "cascade" }),
    shopDomain: text().notNull(),
    status: storeStatus().notNull().default("connected"),
    scopes: text(),
    /** The offline session holding this shop's (encrypted) tokens. */
    sessionId: text(),
    connectedBy: text().references(() => user.id, { onDelete: "set null" }),
    connectedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    statusChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the last successful incremental sync started: the next one pulls from here minus the lookback. */
    syncedThrough: timestamp({ withTimezone: true }),
    /** The shop's own currency (Shopify's `shop.currencyCode`): its orders' money is in it. Read on connect. */
    currency: text(),
    /** The shop's time zone (Shopify's `shop.ianaTimezone`): days, filters and charts follow it. Read on connect. */
    ianaTimezone: text(),
  },
  (t) => [uniqueIndex("stores_brand_shop").on(t.brandId, t.shopDomain), index().on(t.shopDomain)],
);
