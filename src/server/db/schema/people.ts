import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { user } from "./auth";
import { brands } from "./brands";
import { stores } from "./shopify";

// People: the events a brand's sites and servers send (Segment's HTTP API), the sources they come
// through, and the profiles identity resolution builds from events and Shopify customers.
// Writers: `services/events/` (sources, events as accepted) and `services/identity/` (profiles,
// identifiers, merges, and the events' `profile_id`). See docs/decisions.md, "Events and identity".

const brandRef = () =>
  uuid()
    .notNull()
    .references(() => brands.id, { onDelete: "cascade" });

/** Where a brand's events come from: one write key each (HTTP Basic user name, as Segment's clients send it). */
export const eventSources = pgTable(
  "event_sources",
  {
    id: uuid().primaryKey().defaultRandom(),
    brandId: brandRef(),
    name: text().notNull(),
    /** SHA-256 (hex) of the write key: what a request is looked up by. */
    writeKeyHash: text().notNull().unique(),
    /** The write key sealed with TOKEN_ENCRYPTION_KEY, so admins can read it again. */
    writeKeySealed: text().notNull(),
    /** After a rotation the previous key keeps working until `previousKeyExpiresAt`. */
    previousKeyHash: text().unique(),
    previousKeyExpiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdBy: text().references(() => user.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Counted by identity resolution as it processes the source's events. */
    eventsProcessed: bigint({ mode: "number" }).notNull().default(0),
    profilesCreated: bigint({ mode: "number" }).notNull().default(0),
    lastEventAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.brandId)],
);

/**
 * Requests a source refused (validation, size): the Sources page's "last errors". Capped per source
 * by the writer (the newest 100 are kept).
 */
export const eventRejections = pgTable(
  "event_rejections",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sourceId: uuid()
      .notNull()
      .references(() => eventSources.id, { onDelete: "cascade" }),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    status: integer().notNull(),
    path: text().notNull(),
    /** Field → problem. */
    errors: jsonb().$type<Record<string, string>>().notNull(),
    /** The start of what was sent, to recognise it. */
    sample: text(),
  },
  (t) => [index().on(t.sourceId, t.id)],
);

/** One accepted event, as received (payload) with Segment's clock-skew-corrected `timestamp`. */
export const events = pgTable(
  "events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: uuid().notNull(),
    sourceId: uuid()
      .notNull()
      .references(() => eventSources.id, { onDelete: "cascade" }),
    messageId: text().notNull(),
    type: text({ enum: ["track", "identify", "page", "screen", "group", "alias"] }).notNull(),
    /** The track event's name, or the page's / screen's name. */
    name: text(),
    userId: text(),
    anonymousId: text(),
    timestamp: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    payload: jsonb().notNull(),
    /** The profile identity resolution attached it to (null until then). */
    profileId: bigint({ mode: "number" }),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("events_source_message").on(t.sourceId, t.messageId),
    // A source's newest events (the Sources page).
    index("events_source_recent").on(t.sourceId, t.id),
    index("events_profile_time").on(t.profileId, t.timestamp.desc(), t.id.desc()),
    // The backlog of identity resolution, per brand in arrival order.
    index("events_unresolved").on(t.brandId, t.id).where(sql`${t.resolvedAt} is null`),
  ],
);

/**
 * A person as the brand knows them. Merging never moves anything: the merged profile points at
 * the one it joined (`mergedInto`), every profile knows its group's root (`rootId`, itself when it
 * is one), and identifiers, events and Shopify customers stay with the profile that brought them —
 * so an undo only unlinks. The root's list columns (`orders` … `lastSeenAt`) cover its whole group.
 */
export const profiles = pgTable(
  "profiles",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: brandRef(),
    mergedInto: bigint({ mode: "number" }),
    rootId: bigint({ mode: "number" }).notNull(),
    /** The latest value of each trait identify calls and Shopify sent (history: the events themselves). */
    traits: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    name: text(),
    email: text(),
    phone: text(),
    /** What first brought the profile: a source's event or a Shopify store's customer. */
    sourceId: uuid(),
    storeId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    firstSeenAt: timestamp({ withTimezone: true }),
    lastSeenAt: timestamp({ withTimezone: true }),
    // The group's figures, kept on its root (see refreshRollups in services/identity/store.ts).
    orders: integer().notNull().default(0),
    netValue: numeric({ precision: 20, scale: 4 }).notNull().default("0"),
    currency: text(),
    lastOrderAt: timestamp({ withTimezone: true }),
    groupLastSeenAt: timestamp({ withTimezone: true }),
    emailConsent: text(),
  },
  (t) => [
    index("profiles_root").on(t.rootId),
    index("profiles_merged_into").on(t.mergedInto).where(sql`${t.mergedInto} is not null`),
    // The customers list: roots only, in the orders the list sorts by (keyset pages).
    index("profiles_list_seen").on(t.brandId, sql`${t.groupLastSeenAt} desc nulls last`, sql`${t.id} desc`).where(sql`${t.mergedInto} is null`),
    index("profiles_list_value").on(t.brandId, sql`${t.netValue} desc`, sql`${t.id} desc`).where(sql`${t.mergedInto} is null`),
    index("profiles_list_orders").on(t.brandId, sql`${t.orders} desc`, sql`${t.id} desc`).where(sql`${t.mergedInto} is null`),
    index("profiles_list_last_order").on(t.brandId, sql`${t.lastOrderAt} desc nulls last`, sql`${t.id} desc`).where(sql`${t.mergedInto} is null`),
    index("profiles_name_search").on(t.brandId, sql`lower(${t.name}) text_pattern_ops`),
  ],
);

export const IDENTIFIER_KINDS = ["userId", "anonymousId", "email", "phone", "shopifyCustomer", "external"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * Who an identifier value belongs to in a brand: one profile each (the primary key). `value` is
 * normalised (lower-cased email, E.164 phone, `storeId:customerId` for a Shopify customer,
 * `type:id` for an external id).
 */
export const profileIdentifiers = pgTable(
  "profile_identifiers",
  {
    brandId: brandRef(),
    kind: text({ enum: IDENTIFIER_KINDS }).notNull(),
    value: text().notNull(),
    profileId: bigint({ mode: "number" })
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    /** Where it was first seen: a source (events) or a store (Shopify). */
    sourceId: uuid(),
    storeId: uuid().references(() => stores.id, { onDelete: "cascade" }),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.kind, t.value] }),
    index().on(t.profileId),
    index("profile_identifiers_search").on(t.brandId, sql`${t.value} text_pattern_ops`),
  ],
);

/**
 * The audit log of identity resolution: every merge with its cause, every merge refused (a limit
 * it would break) and every undo. `winnerBefore` holds what the merge changed on the winner.
 */
export const profileMerges = pgTable(
  "profile_merges",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    brandId: brandRef(),
    winnerId: bigint({ mode: "number" }).notNull(),
    loserId: bigint({ mode: "number" }).notNull(),
    status: text({ enum: ["merged", "refused", "undone"] }).notNull(),
    /** What linked them: the identifier, and the event or Shopify record that carried it. */
    cause: jsonb().$type<MergeCause>().notNull(),
    reason: text(),
    winnerBefore: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp({ withTimezone: true }),
    undoneBy: text().references(() => user.id, { onDelete: "set null" }),
  },
  (t) => [index().on(t.winnerId), index().on(t.loserId), index().on(t.brandId, t.id)],
);

export interface MergeCause {
  identifier: { kind: IdentifierKind; value: string };
  eventId?: number;
  messageId?: string;
  storeId?: string;
  customerShopifyId?: string;
}

/** A brand's identity rules: values that never identify anyone, and how many of a kind one person may have. */
export const identitySettings = pgTable("identity_settings", {
  brandId: uuid()
    .primaryKey()
    .references(() => brands.id, { onDelete: "cascade" }),
  /** Lower-cased emails (e.g. a team's test address) that never link profiles. */
  blockedEmails: text().array().notNull().default(sql`'{}'::text[]`),
  /** Per kind, the most values one profile group may hold (shopifyCustomer: per store); null: no limit. */
  limits: jsonb().$type<Partial<Record<IdentifierKind, number | null>>>().notNull().default({}),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
