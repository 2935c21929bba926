import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import type { IdentifierKind } from "../../db/schema/people";
import { DEFAULT_LIMITS } from "./identifiers";
import { type IdentityState, identifierKey, type Limits, limitKey, type Observation, type Plan, planResolution } from "./plan";

// The only writer of profiles, profile_identifiers and profile_merges (with undo.ts), and of the
// events' profile. Everything runs in the caller's transaction, after `lockIdentity`.

type Row = Record<string, unknown>;

/** A brand's identity writers take turns (merges must see each other), until the transaction ends. */
export async function lockIdentity(tx: Tx, brandId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`identity:${brandId}`}, 0))`);
}

export interface IdentityRules {
  limits: Limits;
  blockedEmails: ReadonlySet<string>;
}

export async function identityRules(tx: Tx, brandId: string): Promise<IdentityRules> {
  const rows = await tx.execute<Row>(sql`select blocked_emails, limits from identity_settings where brand_id = ${brandId}`);
  const row = rows[0] as { blocked_emails: string[]; limits: Partial<Record<IdentifierKind, number | null>> } | undefined;
  // A brand's own limits over the defaults; null lifts a limit.
  const limits = Object.entries({ ...DEFAULT_LIMITS, ...row?.limits }).filter(([, max]) => typeof max === "number");
  return { limits: Object.fromEntries(limits) as Limits, blockedEmails: new Set(row?.blocked_emails ?? []) };
}

async function loadState(tx: Tx, brandId: string, observations: Observation[], limits: Limits): Promise<IdentityState> {
  const pairs = new Map<string, { kind: string; value: string }>();
  for (const o of observations) for (const i of o.identifiers) pairs.set(identifierKey(i.kind, i.value), i);
  const kinds = [...pairs.values()].map((p) => p.kind);
  const values = [...pairs.values()].map((p) => p.value);
  const state: IdentityState = { owners: new Map(), profiles: new Map(), limited: new Map() };
  if (!pairs.size) return state;
  const owned = await tx.execute<Row>(sql`
    select i.kind, i.value, i.profile_id, p.root_id
    from unnest(${sql.param(kinds)}::text[], ${sql.param(values)}::text[]) as w(kind, value)
    join profile_identifiers i on i.brand_id = ${brandId} and i.kind = w.kind and i.value = w.value
    join profiles p on p.id = i.profile_id`);
  for (const r of owned) {
    state.owners.set(identifierKey(String(r.kind), String(r.value)), Number(r.profile_id));
    state.profiles.set(Number(r.profile_id), { id: Number(r.profile_id), rootId: Number(r.root_id) });
  }
  const roots = [...new Set([...state.profiles.values()].map((p) => p.rootId))];
  const limitedKinds = Object.keys(limits);
  if (roots.length && limitedKinds.length) {
    const held = await tx.execute<Row>(sql`
      select p.root_id, i.kind, i.value from profiles p join profile_identifiers i on i.profile_id = p.id
      where p.root_id = any(${sql.param(roots)}::bigint[]) and i.kind = any(${sql.param(limitedKinds)}::text[])`);
    for (const r of held) {
      const root = Number(r.root_id);
      const set = state.limited.get(root) ?? new Set<string>();
      set.add(limitKey(r.kind as IdentifierKind, String(r.value)));
      state.limited.set(root, set);
    }
  }
  return state;
}

export interface Resolution {
  /** Per observation, its profile (real id), or null. */
  placements: (number | null)[];
  /** Group roots whose figures or members changed. */
  touchedRoots: number[];
  /** Roots of the groups merges joined (their figures are to be computed again; others only moved "last seen"). */
  mergedRoots: number[];
  /**
   * Roots whose figures may no longer hold: touched groups that existed before the batch, and
   * merged ones. A profile the batch created was written with its figures.
   */
  staleRoots: number[];
  /** New profiles per origin source (events) — the Sources page counts them. */
  createdBySource: Map<string, number>;
  merged: number;
  refused: number;
}

/** Plans and writes one batch of observations (events or Shopify customers) for a brand; lock first. */
export async function resolveObservations(tx: Tx, input: { brandId: string; observations: Observation[]; rules: IdentityRules; now?: Date }): Promise<Resolution> {
  const now = input.now ?? new Date();
  const state = await loadState(tx, input.brandId, input.observations, input.rules.limits);
  const plan = planResolution(state, input.observations, { limits: input.rules.limits, now });
  const real = await createProfiles(tx, input.brandId, plan);
  const id = (temp: number) => (temp < 0 ? real.get(temp)! : temp);

  if (plan.newIdentifiers.length) {
    const ids = plan.newIdentifiers;
    await tx.execute(sql`
      insert into profile_identifiers (brand_id, kind, value, profile_id, source_id, store_id, first_seen_at)
      select ${input.brandId}::uuid, k, v, p, s, st, ${now.toISOString()}::timestamptz
      from unnest(${sql.param(ids.map((i) => i.kind))}::text[], ${sql.param(ids.map((i) => i.value))}::text[], ${sql.param(ids.map((i) => id(i.profileId)))}::bigint[],
                  ${sql.param(ids.map((i) => i.origin.sourceId ?? null))}::uuid[], ${sql.param(ids.map((i) => i.storeId))}::uuid[]) as n(k, v, p, s, st)
      on conflict do nothing`);
  }
  await applyUpdates(tx, plan, id);
  for (const m of plan.merges) await mergeProfiles(tx, { brandId: input.brandId, winner: id(m.winner), loser: id(m.loser), cause: m.cause });
  for (const r of plan.refusals) {
    await tx.execute(sql`insert into profile_merges (brand_id, winner_id, loser_id, status, cause, reason)
      values (${input.brandId}, ${id(r.winner)}, ${id(r.loser)}, 'refused', ${JSON.stringify(r.cause)}::jsonb, ${r.reason})`);
  }

  const placements = plan.placements.map((p) => (p === null ? null : id(p)));
  const placed = [...new Set(placements.filter((p): p is number => p !== null))];
  const touchedRoots = placed.length
    ? (await tx.execute<Row>(sql`select distinct root_id from profiles where id = any(${sql.param(placed)}::bigint[])`)).map((r) => Number(r.root_id))
    : [];
  const winners = [...new Set(plan.merges.map((m) => id(m.winner)))];
  const mergedRoots = winners.length
    ? (await tx.execute<Row>(sql`select distinct root_id from profiles where id = any(${sql.param(winners)}::bigint[])`)).map((r) => Number(r.root_id))
    : [];
  const created = new Set(real.values());
  const staleRoots = [...new Set([...touchedRoots.filter((r) => !created.has(r)), ...mergedRoots])];
  const createdBySource = new Map<string, number>();
  for (const p of plan.newProfiles) if (p.origin.sourceId) createdBySource.set(p.origin.sourceId, (createdBySource.get(p.origin.sourceId) ?? 0) + 1);
  return { placements, touchedRoots, mergedRoots, staleRoots, createdBySource, merged: plan.merges.length, refused: plan.refusals.length };
}

/**
 * The batch's new profiles, written once with what the batch says of them (traits, display fields,
 * seen times) and their figures from the Shopify customers the batch gives them: a history sync's
 * 200k customers are not written a second time to count their orders.
 */
async function createProfiles(tx: Tx, brandId: string, plan: Plan): Promise<Map<number, number>> {
  const real = new Map<number, number>();
  if (!plan.newProfiles.length) return real;
  const ids = await tx.execute<Row>(sql`select nextval(pg_get_serial_sequence('profiles', 'id')) as id from generate_series(1, ${plan.newProfiles.length})`);
  plan.newProfiles.forEach((p, i) => real.set(p.id, Number(ids[i]!.id)));
  const rows = plan.newProfiles;
  const update = (p: (typeof rows)[number]) => plan.updates.get(p.id);
  const col = <T>(f: (p: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  const owned = plan.newIdentifiers.filter((i) => i.kind === "shopifyCustomer" && i.profileId < 0);
  await tx.execute(sql`
    with n as (
      select * from unnest(${col((p) => real.get(p.id)!)}::bigint[], ${col((p) => p.origin.sourceId ?? null)}::uuid[], ${col((p) => p.origin.storeId ?? null)}::uuid[],
                ${col((p) => p.createdAt.toISOString())}::text[]::timestamptz[], ${col((p) => JSON.stringify(update(p)?.traits ?? {}))}::text[],
                ${col((p) => update(p)?.name ?? null)}::text[], ${col((p) => update(p)?.email ?? null)}::text[], ${col((p) => update(p)?.phone ?? null)}::text[],
                ${col((p) => update(p)?.firstSeen?.toISOString() ?? null)}::text[]::timestamptz[], ${col((p) => update(p)?.lastSeen?.toISOString() ?? null)}::text[]::timestamptz[])
        as n(i, s, st, c, t, nm, e, ph, fs, ls)
    ),
    customers as (
      select * from unnest(${sql.param(owned.map((i) => real.get(i.profileId)!))}::bigint[], ${sql.param(owned.map((i) => i.storeId))}::uuid[],
                           ${sql.param(owned.map((i) => i.value.split(":")[1]!))}::bigint[]) as c(root_id, store_id, customer_id)
    ),
    ${GROUP_FIGURES}
    insert into profiles (id, brand_id, root_id, source_id, store_id, created_at, updated_at, traits, name, email, phone, first_seen_at, last_seen_at, group_last_seen_at,
                          orders, net_value, currency, last_order_at, email_consent)
    overriding system value
    select n.i, ${brandId}::uuid, n.i, n.s, n.st, n.c, n.c, coalesce(n.t::jsonb, '{}'), n.nm, n.e, n.ph, n.fs, n.ls, n.ls, ${FIGURE_VALUES}
    from n ${joinFigures(sql`n.i`)}`);
  return real;
}

/**
 * Traits, display fields and seen times of the batch's known profiles, in one statement; a root's group
 * "last seen" moves with it, and a member's is carried to its root in a second (a row is written
 * once per statement) — so a batch that merged nothing needs no full refresh of the group figures.
 */
async function applyUpdates(tx: Tx, plan: Plan, id: (temp: number) => number): Promise<void> {
  // New profiles (temporary ids) were written with theirs.
  const entries = [...plan.updates.entries()].filter(([k]) => k > 0);
  if (!entries.length) return;
  const col = <T>(f: (u: Plan["updates"] extends Map<number, infer U> ? U : never) => T) => entries.map(([, u]) => f(u));
  const ids = entries.map(([k]) => id(k));
  const lastSeen = col((u) => u.lastSeen?.toISOString() ?? null);
  await tx.execute(sql`
    update profiles p set
      traits = case when u.t = '{}' then p.traits else p.traits || u.t::jsonb end,
      name = coalesce(u.n, p.name), email = coalesce(u.e, p.email), phone = coalesce(u.ph, p.phone),
      first_seen_at = least(p.first_seen_at, u.fs), last_seen_at = greatest(p.last_seen_at, u.ls),
      group_last_seen_at = case when p.root_id = p.id then greatest(p.group_last_seen_at, u.ls) else p.group_last_seen_at end,
      updated_at = now()
    from unnest(${sql.param(ids)}::bigint[], ${sql.param(col((u) => JSON.stringify(u.traits)))}::text[], ${sql.param(col((u) => u.name ?? null))}::text[],
                ${sql.param(col((u) => u.email ?? null))}::text[], ${sql.param(col((u) => u.phone ?? null))}::text[],
                ${sql.param(col((u) => u.firstSeen?.toISOString() ?? null))}::text[]::timestamptz[], ${sql.param(lastSeen)}::text[]::timestamptz[]) as u(id, t, n, e, ph, fs, ls)
    where p.id = u.id`);
  await tx.execute(sql`
    update profiles r set group_last_seen_at = greatest(r.group_last_seen_at, m.ls)
    from (select p.root_id, max(u.ls) as ls
          from unnest(${sql.param(ids)}::bigint[], ${sql.param(lastSeen)}::text[]::timestamptz[]) as u(id, ls)
          join profiles p on p.id = u.id and p.root_id <> p.id
          group by p.root_id) m
    where r.id = m.root_id`);
}

/**
 * Links the loser's group under the winner: nothing moves but the links. The winner's empty name,
 * email and phone are filled from the loser; what they were is kept for an undo.
 */
async function mergeProfiles(tx: Tx, m: { brandId: string; winner: number; loser: number; cause: unknown }): Promise<void> {
  await tx.execute(sql`
    with before as (select id, name, email, phone from profiles where id = ${m.winner}),
    audit as (
      insert into profile_merges (brand_id, winner_id, loser_id, status, cause, winner_before)
      select ${m.brandId}, ${m.winner}, ${m.loser}, 'merged', ${JSON.stringify(m.cause)}::jsonb, jsonb_build_object('name', name, 'email', email, 'phone', phone) from before
    )
    update profiles w set name = coalesce(w.name, l.name), email = coalesce(w.email, l.email), phone = coalesce(w.phone, l.phone), updated_at = now()
    from profiles l where w.id = ${m.winner} and l.id = ${m.loser}`);
  await tx.execute(sql`update profiles set merged_into = ${m.winner} where id = ${m.loser}`);
  await tx.execute(sql`update profiles set root_id = ${m.winner} where root_id = ${m.loser}`);
}

/**
 * A group's figures from its Shopify customers, as CTEs over a `customers (root_id, store_id,
 * customer_id)` relation the statement defines first: orders and net value over every customer (in
 * the currency most of its orders are in), last order, email consent. One definition for new
 * profiles (createProfiles) and for recounting groups (refreshRollups).
 */
const GROUP_FIGURES = sql`
    per_currency as (
      select c.root_id, s.currency, sum(s.orders) as orders, sum(s.net) as net, max(s.last_order_at) as last_order_at
      from customers c join customer_order_summaries s on s.store_id = c.store_id and s.customer_shopify_id = c.customer_id
      group by c.root_id, s.currency
    ),
    main as (select distinct on (root_id) root_id, currency, net from per_currency order by root_id, orders desc, currency),
    totals as (select root_id, sum(orders) as orders, max(last_order_at) as last_order_at from per_currency group by root_id),
    consent as (
      select c.root_id, bool_or(lower(sc.email_consent) = 'subscribed') as subscribed
      from customers c join shop_customers sc on sc.store_id = c.store_id and sc.shopify_id = c.customer_id group by c.root_id
    )`;
/** The figures' values, in the order of (orders, net_value, currency, last_order_at, email_consent). */
const FIGURE_VALUES = sql`coalesce(totals.orders, 0), coalesce(main.net, 0), main.currency, totals.last_order_at,
      case when consent.subscribed then 'subscribed' when consent.subscribed is false then 'not subscribed' end`;
const joinFigures = (root: SQL) => sql`
    left join totals on totals.root_id = ${root}
    left join main on main.root_id = ${root}
    left join consent on consent.root_id = ${root}`;

/** The list's figures of each group counted again, on its root (and its "last seen" over every member). */
export async function refreshRollups(tx: Tx, roots: number[]): Promise<void> {
  if (!roots.length) return;
  await tx.execute(sql`
    with r as (select unnest(${sql.param(roots)}::bigint[]) as root_id),
    members as (select p.root_id, p.id, p.last_seen_at from r join profiles p on p.root_id = r.root_id),
    customers as (
      select m.root_id, i.store_id, split_part(i.value, ':', 2)::bigint as customer_id
      from members m join profile_identifiers i on i.profile_id = m.id and i.kind = 'shopifyCustomer'
    ),
    ${GROUP_FIGURES},
    seen as (select root_id, max(last_seen_at) as last_seen_at from members group by root_id)
    update profiles p set
      (orders, net_value, currency, last_order_at, email_consent) = (${FIGURE_VALUES}),
      group_last_seen_at = seen.last_seen_at
    from r ${joinFigures(sql`r.root_id`)}
    left join seen on seen.root_id = r.root_id
    where p.id = r.root_id and p.merged_into is null`);
}
