import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { CachePort } from "../../infra/cache/port";
import { requireBrandChild } from "../brands/access";
import { CUSTOMER_CACHE_SECONDS, customerCacheKey, customerCachePrefix } from "./channels";

// Reading people: the customers list, Customer360 and the events timeline. Writers are store.ts and undo.ts.

type Row = Record<string, unknown>;

export const CUSTOMER_SORTS = ["lastSeen", "netValue", "orders", "lastOrder"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** Filtered totals are counted up to this (the list says "more than"). */
const COUNT_CAP = 10_000;

const SORT_COLUMN: Record<CustomerSort, { column: SQL; nullable: boolean }> = {
  lastSeen: { column: sql`p.group_last_seen_at`, nullable: true },
  netValue: { column: sql`p.net_value`, nullable: false },
  orders: { column: sql`p.orders`, nullable: false },
  lastOrder: { column: sql`p.last_order_at`, nullable: true },
};

export interface CustomerFilters {
  q?: string | null;
  netMin?: number | null;
  netMax?: number | null;
  ordersMin?: number | null;
  ordersMax?: number | null;
  lastOrderFrom?: Date | null;
  lastOrderTo?: Date | null;
  emailConsent?: boolean | null;
  sourceId?: string | null;
}

export interface CustomerRow {
  id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  orders: number;
  netValue: string;
  currency: string | null;
  lastOrderAt: Date | null;
  lastSeenAt: Date | null;
}

/** Cursor: the sort value (ISO time or number as text, null for "none") and id of the last row. */
export interface CustomerCursor {
  value: string | null;
  id: number;
}

/** Group roots a search names: by name or any identifier (prefix), or an order's name. */
/** The profiles a search term matches: name or identifier prefix, an exact identifier, a Shopify customer id, an order name. */
function searchMatches(brandId: string, q: string): SQL {
  const term = q.trim();
  const lower = term.toLowerCase();
  const like = `${lower.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const digits = /^#?\d+$/.test(term) ? term.replace(/^#/, "") : null;
  return sql`(
    select id from profiles where brand_id = ${brandId} and lower(name) like ${like}
    union select profile_id from profile_identifiers where brand_id = ${brandId} and (value like ${like} or value = ${term})
    ${
      digits
        ? sql`union select i.profile_id from stores s join profile_identifiers i on i.brand_id = s.brand_id and i.kind = 'shopifyCustomer' and i.value = s.id::text || ':' || ${digits}
            where s.brand_id = ${brandId}
          union select i.profile_id from shop_orders o
            join profile_identifiers i on i.brand_id = o.brand_id and i.kind = 'shopifyCustomer' and i.value = o.store_id::text || ':' || o.customer_shopify_id::text
            where o.brand_id = ${brandId} and o.name = ${`#${digits}`}`
        : sql``
    }
  )`;
}

/** Up to this many groups a search matched are listed from their ids; more (a broad term) are filtered along the list's index. */
const SPARSE_MATCHES = 2_000;

function whereOf(brandId: string, f: CustomerFilters, roots: number[] | null): SQL {
  const parts: SQL[] = [sql`p.brand_id = ${brandId}`, sql`p.merged_into is null`];
  if (roots) parts.push(sql`p.id = any(${sql.param(roots)}::bigint[])`);
  else if (f.q?.trim()) parts.push(sql`p.root_id in (select root_id from profiles where id in ${searchMatches(brandId, f.q)})`);
  if (f.netMin != null) parts.push(sql`p.net_value >= ${f.netMin}`);
  if (f.netMax != null) parts.push(sql`p.net_value <= ${f.netMax}`);
  if (f.ordersMin != null) parts.push(sql`p.orders >= ${f.ordersMin}`);
  if (f.ordersMax != null) parts.push(sql`p.orders <= ${f.ordersMax}`);
  if (f.lastOrderFrom) parts.push(sql`p.last_order_at >= ${f.lastOrderFrom.toISOString()}::timestamptz`);
  if (f.lastOrderTo) parts.push(sql`p.last_order_at < ${f.lastOrderTo.toISOString()}::timestamptz`);
  if (f.emailConsent === true) parts.push(sql`p.email_consent = 'subscribed'`);
  if (f.emailConsent === false) parts.push(sql`p.email_consent is distinct from 'subscribed'`);
  if (f.sourceId) parts.push(sql`exists (select 1 from profiles m where m.root_id = p.id and m.source_id = ${f.sourceId})`);
  return sql.join(parts, sql` and `);
}

/** The groups a search matched, when they are few (null: more than SPARSE_MATCHES, or no search). */
async function sparseMatches(deps: { db: Db }, brandId: string, q: string | null | undefined): Promise<number[] | null> {
  if (!q?.trim()) return null;
  const cap = SPARSE_MATCHES * 4;
  const [row] = await deps.db.execute<Row>(sql`
    with m as (select id from ${searchMatches(brandId, q)} as found(id) limit ${cap + 1})
    select (select count(*) from m)::int as n, array(select distinct p.root_id from profiles p join m on p.id = m.id) as roots`);
  const roots = ((row?.roots as (string | number)[] | undefined) ?? []).map(Number);
  return Number(row?.n) <= cap && roots.length <= SPARSE_MATCHES ? roots : null;
}

export async function listCustomers(
  deps: { db: Db },
  input: CustomerFilters & { brandId: string; sort: CustomerSort; limit: number; cursor?: CustomerCursor | null },
): Promise<{ rows: CustomerRow[]; nextCursor: CustomerCursor | null; total: number; totalIsLowerBound: boolean }> {
  if (input.sourceId) await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  const { column, nullable } = SORT_COLUMN[input.sort];
  const where = whereOf(input.brandId, input, await sparseMatches(deps, input.brandId, input.q));
  const isTime = input.sort === "lastSeen" || input.sort === "lastOrder";
  const cast = isTime ? sql`::timestamptz` : sql`::numeric`;
  let after = sql`true`;
  if (input.cursor) {
    const c = input.cursor;
    after =
      c.value === null
        ? sql`(${column} is null and p.id < ${c.id})`
        : nullable
          ? sql`(${column} < ${c.value}${cast} or (${column} = ${c.value}${cast} and p.id < ${c.id}) or ${column} is null)`
          : sql`(${column} < ${c.value}${cast} or (${column} = ${c.value}${cast} and p.id < ${c.id}))`;
  }
  const [rows, counted] = await Promise.all([
    deps.db.execute<Row>(sql`
      select p.id, p.name, p.email, p.phone, p.orders, p.net_value, p.currency, p.last_order_at, p.group_last_seen_at
      from profiles p where ${where} and ${after}
      order by ${column} desc ${nullable ? sql`nulls last` : sql``}, p.id desc limit ${input.limit + 1}`),
    deps.db.execute<Row>(sql`select count(*)::int as n from (select 1 from profiles p where ${where} limit ${COUNT_CAP + 1}) capped`),
  ]);
  const page = rows.slice(0, input.limit).map(
    (r): CustomerRow => ({
      id: Number(r.id),
      name: (r.name as string | null) ?? null,
      email: (r.email as string | null) ?? null,
      phone: (r.phone as string | null) ?? null,
      orders: Number(r.orders),
      netValue: String(r.net_value),
      currency: (r.currency as string | null) ?? null,
      lastOrderAt: r.last_order_at ? new Date(r.last_order_at as string) : null,
      lastSeenAt: r.group_last_seen_at ? new Date(r.group_last_seen_at as string) : null,
    }),
  );
  const last = rows.length > input.limit ? rows[input.limit - 1] : undefined;
  const lastValue = last?.[{ lastSeen: "group_last_seen_at", netValue: "net_value", orders: "orders", lastOrder: "last_order_at" }[input.sort]];
  const n = Number(counted[0]?.n ?? 0);
  return {
    rows: page,
    nextCursor: last ? { value: lastValue == null ? null : isTime ? new Date(lastValue as string).toISOString() : String(lastValue), id: Number(last.id) } : null,
    total: Math.min(n, COUNT_CAP),
    totalIsLowerBound: n > COUNT_CAP,
  };
}

/** The group a profile is in (any member's id leads to it): its root and members. */
async function groupOf(deps: { db: Db }, input: { brandId: string; profileId: string }): Promise<{ root: number; members: number[] }> {
  const profile = await requireBrandChild(deps, { brandId: input.brandId, kind: "profile", id: input.profileId });
  return { root: profile.rootId, members: await membersOf(deps, profile.rootId) };
}

async function membersOf(deps: { db: Db }, root: number): Promise<number[]> {
  const rows = await deps.db.execute<Row>(sql`select id from profiles where root_id = ${root} order by id`);
  return rows.map((r) => Number(r.id));
}

export interface Customer360 {
  id: number;
  rootId: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  createdAt: Date;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  members: { id: number; name: string | null; email: string | null; createdAt: Date; mergedInto: number | null; origin: string }[];
  identities: { kind: string; value: string; profileId: number; origin: string; firstSeenAt: Date }[];
  traits: Record<string, unknown>;
  traitHistory: { at: Date; traits: Record<string, unknown>; source: string | null }[];
  consent: { store: string; email: string | null; sms: string | null }[];
  money: { currency: string; orders: number; gross: string; refunded: string; net: string; aov: string; firstOrderAt: Date; lastOrderAt: Date; daysBetweenOrders: number | null }[];
  orders: {
    id: string;
    name: string | null;
    store: string;
    createdAt: Date;
    currency: string;
    total: string;
    refunded: string;
    financialStatus: string | null;
    cancelled: boolean;
    lines: { title: string | null; quantity: number; price: string }[];
    refunds: { amount: string; createdAt: Date | null }[];
  }[];
  favouriteProducts: { title: string; units: number; orders: number }[];
  merges: { id: number; status: string; winnerId: number; loserId: number; reason: string | null; cause: unknown; createdAt: Date; undoneAt: Date | null; canUndo: boolean }[];
  eventNames: string[];
  cachedAt: string;
}

/** Customer360, from the cache when it is there (5 minutes, dropped on any change to the group). */
export async function getCustomer360(deps: { db: Db; cache: CachePort }, input: { brandId: string; profileId: string }): Promise<Customer360> {
  // The page is the group's (any member's id leads to it): a hit needs only the brand check and the cache.
  const profile = await requireBrandChild(deps, { brandId: input.brandId, kind: "profile", id: input.profileId });
  const key = customerCacheKey(input.brandId, profile.rootId);
  const cached = await deps.cache.get<Customer360>(key).catch(() => undefined);
  if (cached) return reviveDates(cached);
  const fresh = await buildCustomer360(deps, input.brandId, { root: profile.rootId, members: await membersOf(deps, profile.rootId) });
  await deps.cache.set(key, fresh, CUSTOMER_CACHE_SECONDS).catch(() => {});
  return fresh;
}

/** A brand's whole Customer360 cache dropped (an operator's "clear cache"). */
export async function clearCustomerCache(deps: { cache: CachePort }, input: { brandId: string }): Promise<{ cleared: number }> {
  return { cleared: await deps.cache.deletePrefix(customerCachePrefix(input.brandId)) };
}

const DATE_KEYS = new Set(["createdAt", "firstSeenAt", "lastSeenAt", "at", "firstOrderAt", "lastOrderAt", "undoneAt"]);
/** What a customer or a source wrote: kept exactly as it came (a trait named `createdAt` stays a string). */
const AS_WRITTEN = new Set(["traits", "cause"]);

/** The cache holds JSON: its dates come back as strings (turned back in place, the value is the cache's fresh copy). */
function reviveDates<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) reviveDates(item);
  } else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(record)) {
      if (DATE_KEYS.has(k) && typeof v === "string") record[k] = new Date(v);
      else if (v && typeof v === "object" && !AS_WRITTEN.has(k)) reviveDates(v);
    }
  }
  return value;
}

async function buildCustomer360(deps: { db: Db }, brandId: string, group: { root: number; members: number[] }): Promise<Customer360> {
  const members = group.members;
  const [profileRows, identityRows, historyRows, customerRows, mergeRows, nameRows] = await Promise.all([
    deps.db.execute<Row>(sql`
      select p.id, p.name, p.email, p.phone, p.traits, p.created_at, p.first_seen_at, p.last_seen_at, p.merged_into, s.name as source_name, st.shop_domain
      from profiles p left join event_sources s on s.id = p.source_id left join stores st on st.id = p.store_id
      where p.id = any(${sql.param(members)}::bigint[]) order by p.id`),
    deps.db.execute<Row>(sql`
      select i.kind, i.value, i.profile_id, i.first_seen_at, s.name as source_name, st.shop_domain
      from profile_identifiers i left join event_sources s on s.id = i.source_id left join stores st on st.id = i.store_id
      where i.profile_id = any(${sql.param(members)}::bigint[]) order by i.first_seen_at, i.kind`),
    deps.db.execute<Row>(sql`
      select e.timestamp, e.payload, s.name as source_name from events e join event_sources s on s.id = e.source_id
      where e.profile_id = any(${sql.param(members)}::bigint[]) and e.type = 'identify' order by e.timestamp desc, e.id desc limit 20`),
    deps.db.execute<Row>(sql`
      select c.store_id, c.shopify_id, c.email_consent, c.sms_consent, st.shop_domain
      from profile_identifiers i join shop_customers c on c.store_id = i.store_id and c.shopify_id = split_part(i.value, ':', 2)::bigint
      join stores st on st.id = c.store_id
      where i.profile_id = any(${sql.param(members)}::bigint[]) and i.kind = 'shopifyCustomer'`),
    deps.db.execute<Row>(sql`
      select m.id, m.status, m.winner_id, m.loser_id, m.reason, m.cause, m.created_at, m.undone_at, l.merged_into = m.winner_id as linked
      from profile_merges m join profiles l on l.id = m.loser_id
      where m.brand_id = ${brandId} and (m.winner_id = any(${sql.param(members)}::bigint[]) or m.loser_id = any(${sql.param(members)}::bigint[])) order by m.id desc limit 50`),
    deps.db.execute<Row>(sql`
      select distinct name from (select name from events where profile_id = any(${sql.param(members)}::bigint[]) and name is not null order by id desc limit 2000) recent order by name limit 50`),
  ]);
  const customers = customerRows.map((c) => ({ storeId: String(c.store_id), id: String(c.shopify_id) }));
  const orderKeys = sql`(o.store_id, o.customer_shopify_id) in (select * from unnest(${sql.param(customers.map((c) => c.storeId))}::uuid[], ${sql.param(customers.map((c) => c.id))}::bigint[]))`;
  const [moneyRows, orderRows, productRows] = customers.length
    ? await Promise.all([
        deps.db.execute<Row>(sql`
          select o.currency, count(*)::int as orders, sum(o.total) as gross, sum(o.refunded) as refunded, sum(o.total - o.refunded) as net,
            min(o.created_at) as first_order_at, max(o.created_at) as last_order_at
          from shop_orders o where ${orderKeys} group by o.currency order by count(*) desc`),
        deps.db.execute<Row>(sql`
          select o.id, o.store_id, o.shopify_id, o.name, o.created_at, o.currency, o.total, o.refunded, o.financial_status, o.cancelled_at, st.shop_domain
          from shop_orders o join stores st on st.id = o.store_id where ${orderKeys} order by o.created_at desc limit 50`),
        deps.db.execute<Row>(sql`
          select coalesce(p.title, l.title, 'Custom item') as title, sum(l.quantity)::int as units, count(distinct l.order_shopify_id)::int as orders
          from shop_orders o join shop_line_items l on l.store_id = o.store_id and l.order_shopify_id = o.shopify_id
          left join shop_products p on p.store_id = l.store_id and p.shopify_id = l.product_shopify_id
          where ${orderKeys} group by 1 order by units desc, title limit 5`),
      ])
    : [[], [], []];
  const orderIds = orderRows.map((o) => ({ storeId: String(o.store_id), id: String(o.shopify_id) }));
  const [lineRows, refundRows] = orderIds.length
    ? await Promise.all([
        deps.db.execute<Row>(sql`select store_id, order_shopify_id, title, quantity, price from shop_line_items
          where (store_id, order_shopify_id) in (select * from unnest(${sql.param(orderIds.map((o) => o.storeId))}::uuid[], ${sql.param(orderIds.map((o) => o.id))}::bigint[]))`),
        deps.db.execute<Row>(sql`select store_id, order_shopify_id, amount, created_at from shop_refunds
          where (store_id, order_shopify_id) in (select * from unnest(${sql.param(orderIds.map((o) => o.storeId))}::uuid[], ${sql.param(orderIds.map((o) => o.id))}::bigint[]))`),
      ])
    : [[], []];
  const keyOf = (r: Row) => `${String(r.store_id)}:${String(r.order_shopify_id ?? r.shopify_id)}`;

  const root = profileRows.find((p) => Number(p.id) === group.root)!;
  const originOf = (r: Row) => (r.source_name ? `source ${String(r.source_name)}` : r.shop_domain ? `Shopify ${String(r.shop_domain)}` : "unknown");
  // The group's traits: each member's, the root's last (it wins).
  const traits: Record<string, unknown> = {};
  for (const p of [...profileRows].sort((a, b) => (Number(a.id) === group.root ? 1 : Number(b.id) === group.root ? -1 : Number(a.id) - Number(b.id)))) Object.assign(traits, p.traits);
  const date = (v: unknown) => (v ? new Date(v as string) : null);

  return {
    id: group.root,
    rootId: group.root,
    name: (root.name as string | null) ?? null,
    email: (root.email as string | null) ?? null,
    phone: (root.phone as string | null) ?? null,
    createdAt: new Date(root.created_at as string),
    firstSeenAt: profileRows.map((p) => date(p.first_seen_at)).filter((d): d is Date => d !== null).sort((a, b) => +a - +b)[0] ?? null,
    lastSeenAt: profileRows.map((p) => date(p.last_seen_at)).filter((d): d is Date => d !== null).sort((a, b) => +b - +a)[0] ?? null,
    members: profileRows.map((p) => ({ id: Number(p.id), name: (p.name as string | null) ?? null, email: (p.email as string | null) ?? null, createdAt: new Date(p.created_at as string), mergedInto: p.merged_into == null ? null : Number(p.merged_into), origin: originOf(p) })),
    identities: identityRows.map((i) => ({ kind: String(i.kind), value: String(i.value), profileId: Number(i.profile_id), origin: originOf(i), firstSeenAt: new Date(i.first_seen_at as string) })),
    traits,
    traitHistory: historyRows.map((h) => ({ at: new Date(h.timestamp as string), traits: ((h.payload as Record<string, unknown>).traits ?? {}) as Record<string, unknown>, source: (h.source_name as string | null) ?? null })),
    consent: customerRows.map((c) => ({ store: String(c.shop_domain), email: (c.email_consent as string | null) ?? null, sms: (c.sms_consent as string | null) ?? null })),
    money: moneyRows.map((m) => {
      const orders = Number(m.orders);
      const first = new Date(m.first_order_at as string);
      const last = new Date(m.last_order_at as string);
      return {
        currency: String(m.currency),
        orders,
        gross: String(m.gross),
        refunded: String(m.refunded),
        net: String(m.net),
        aov: (Number(m.gross) / orders).toFixed(2),
        firstOrderAt: first,
        lastOrderAt: last,
        daysBetweenOrders: orders > 1 ? Math.round(((+last - +first) / 86_400_000 / (orders - 1)) * 10) / 10 : null,
      };
    }),
    orders: orderRows.map((o) => ({
      id: String(o.id),
      name: (o.name as string | null) ?? null,
      store: String(o.shop_domain),
      createdAt: new Date(o.created_at as string),
      currency: String(o.currency),
      total: String(o.total),
      refunded: String(o.refunded),
      financialStatus: (o.financial_status as string | null) ?? null,
      cancelled: o.cancelled_at != null,
      lines: lineRows.filter((l) => keyOf(l) === keyOf(o)).map((l) => ({ title: (l.title as string | null) ?? null, quantity: Number(l.quantity), price: String(l.price) })),
      refunds: refundRows.filter((r) => keyOf(r) === keyOf(o)).map((r) => ({ amount: String(r.amount), createdAt: date(r.created_at) })),
    })),
    favouriteProducts: productRows.map((p) => ({ title: String(p.title), units: Number(p.units), orders: Number(p.orders) })),
    merges: mergeRows.map((m) => ({
      id: Number(m.id),
      status: String(m.status),
      winnerId: Number(m.winner_id),
      loserId: Number(m.loser_id),
      reason: (m.reason as string | null) ?? null,
      cause: m.cause,
      createdAt: new Date(m.created_at as string),
      undoneAt: date(m.undone_at),
      canUndo: m.status === "merged" && m.linked === true,
    })),
    eventNames: nameRows.map((n) => String(n.name)),
    cachedAt: new Date().toISOString(),
  };
}

export interface TimelineCursor {
  at: Date;
  id: number;
}

/** The group's events, newest first, a page at a time; `name` keeps one event (or page) name. */
export async function customerTimeline(deps: { db: Db }, input: { brandId: string; profileId: string; name?: string | null; limit: number; cursor?: TimelineCursor | null }) {
  const group = await groupOf(deps, input);
  const rows = await deps.db.execute<Row>(sql`
    select e.id, e.type, e.name, e.timestamp, e.received_at, e.payload, e.profile_id, s.name as source_name
    from events e join event_sources s on s.id = e.source_id
    where e.profile_id = any(${sql.param(group.members)}::bigint[])
      ${input.name ? sql`and e.name = ${input.name}` : sql``}
      ${input.cursor ? sql`and (e.timestamp, e.id) < (${input.cursor.at.toISOString()}::timestamptz, ${input.cursor.id})` : sql``}
    order by e.timestamp desc, e.id desc limit ${input.limit + 1}`);
  const page = rows.slice(0, input.limit).map((r) => {
    const payload = r.payload as Record<string, unknown>;
    return {
      id: Number(r.id),
      type: String(r.type),
      name: (r.name as string | null) ?? null,
      at: new Date(r.timestamp as string),
      receivedAt: new Date(r.received_at as string),
      profileId: Number(r.profile_id),
      source: String(r.source_name),
      properties: (payload.properties ?? payload.traits ?? {}) as Record<string, unknown>,
    };
  });
  const last = rows.length > input.limit ? page[page.length - 1] : undefined;
  return { events: page, nextCursor: last ? { at: last.at, id: last.id } : null };
}

/**
 * For a customers/data_request: the person a Shopify customer is in this brand — their group's
 * profiles (traits), identifiers and events, as stored. Null when the customer joined no profile.
 */
export async function personOfShopifyCustomer(deps: { db: Db }, input: { brandId: string; storeId: string; customerId: bigint }) {
  const group = await deps.db.execute<Row>(sql`
    select p.id, p.name, p.email, p.phone, p.traits, p.created_at from profiles p
    where p.root_id = (select o.root_id from profile_identifiers i join profiles o on o.id = i.profile_id
                       where i.brand_id = ${input.brandId} and i.kind = 'shopifyCustomer' and i.value = ${`${input.storeId}:${input.customerId}`})
    order by p.id`);
  if (!group.length) return null;
  const ids = group.map((r) => Number(r.id));
  const identifiers = await deps.db.execute<Row>(sql`select kind, value, first_seen_at from profile_identifiers where profile_id = any(${sql.param(ids)}::bigint[]) order by kind, value`);
  const events = await deps.db.execute<Row>(sql`
    select type, name, timestamp, payload from events where profile_id = any(${sql.param(ids)}::bigint[]) order by timestamp, id`);
  return {
    profiles: group.map((r) => ({ name: r.name, email: r.email, phone: r.phone, traits: r.traits, createdAt: r.created_at })),
    identifiers: identifiers.map((r) => ({ kind: r.kind, value: r.value, firstSeenAt: r.first_seen_at })),
    events: events.map((r) => ({ type: r.type, name: r.name, timestamp: r.timestamp, payload: r.payload })),
  };
}
