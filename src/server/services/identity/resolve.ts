import { sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import type { CachePort } from "../../infra/cache/port";
import type { PubSubPort } from "../../infra/pubsub/port";
import type { JobProducer } from "../../jobs/queue";
import type { Logger } from "../../logger";
import { identifiersOfEvent, nameOf, normalizeEmail, normalizePhone, traitsOfEvent } from "./identifiers";
import type { Observation } from "./plan";
import { customerCacheKey, profilesChannel } from "./channels";
import { identityRules, lockIdentity, refreshRollups, resolveObservations } from "./store";

type Row = Record<string, unknown>;

/** Events per resolution transaction. */
export const RESOLVE_BATCH = 2_000;

/** `pubsub` and `cache`: where changes are announced and cached pages dropped (a script without them changes data only). */
export interface ResolveDeps {
  db: Db;
  pubsub?: PubSubPort;
  cache?: CachePort;
  log: Logger;
}

/** After a change to these groups (committed): their cached pages are dropped and open pages are told. */
export async function announceProfiles(deps: Omit<ResolveDeps, "db">, brandId: string, roots: number[]): Promise<void> {
  if (!roots.length) return;
  const cache = deps.cache;
  if (cache) await Promise.all(roots.map((r) => cache.delete(customerCacheKey(brandId, r)).catch(() => {})));
  await deps.pubsub?.publish(profilesChannel(brandId), { roots: roots.slice(0, 500) }).catch((err: unknown) => deps.log.warn({ err }, "profile change not announced"));
}

/**
 * Resolves a brand's committed events into profiles, oldest first, a batch per transaction, until
 * none wait. Idempotent: only events not yet resolved are read, under the brand's identity lock.
 */
export async function resolveEventBacklog(deps: ResolveDeps, input: { brandId: string; signal?: AbortSignal }): Promise<{ events: number; merged: number; refused: number }> {
  const total = { events: 0, merged: 0, refused: 0 };
  // Past the batches already resolved in this run: the partial index still holds their entries until
  // vacuum, and scanning them again each batch made a long backlog quadratic. An event committed late
  // with a lower id is left to the next run (every commit asks for one; the sweep catches the rest).
  let after = 0;
  for (;;) {
    if (input.signal?.aborted) break;
    const result = await deps.db.transaction(async (tx) => {
      await lockIdentity(tx, input.brandId);
      const rows = await tx.execute<Row>(sql`
        select id, source_id, message_id, timestamp, payload from events
        where brand_id = ${input.brandId} and resolved_at is null and id > ${after} order by id limit ${RESOLVE_BATCH}`);
      if (!rows.length) return null;
      const rules = await identityRules(tx, input.brandId);
      const observations = rows.map((r): Observation => {
        const payload = r.payload as Record<string, unknown>;
        const traits = traitsOfEvent(payload);
        return {
          ref: { eventId: Number(r.id), messageId: String(r.message_id) },
          identifiers: identifiersOfEvent(payload, rules.blockedEmails),
          traits,
          display: { name: nameOf(traits), email: normalizeEmail(traits.email), phone: normalizePhone(traits.phone) },
          seenAt: new Date(r.timestamp as string),
          origin: { sourceId: String(r.source_id) },
        };
      });
      const resolution = await resolveObservations(tx, { brandId: input.brandId, observations, rules });
      await tx.execute(sql`
        update events e set profile_id = u.p, resolved_at = now()
        from unnest(${sql.param(rows.map((r) => Number(r.id)))}::bigint[], ${sql.param(resolution.placements)}::bigint[]) as u(id, p)
        where e.id = u.id`);
      await countForSources(tx, rows, resolution.createdBySource);
      // Events bring no orders: "last seen" moved with the profiles; only merged groups are counted again.
      await refreshRollups(tx, resolution.mergedRoots);
      return { count: rows.length, last: Number(rows[rows.length - 1]!.id), roots: resolution.touchedRoots, merged: resolution.merged, refused: resolution.refused };
    });
    if (!result) break;
    after = result.last;
    total.events += result.count;
    total.merged += result.merged;
    total.refused += result.refused;
    await announceProfiles(deps, input.brandId, result.roots);
    if (result.count < RESOLVE_BATCH) break;
  }
  return total;
}

async function countForSources(tx: Tx, rows: Row[], created: Map<string, number>): Promise<void> {
  const perSource = new Map<string, { events: number; last: Date }>();
  for (const r of rows) {
    const s = perSource.get(String(r.source_id)) ?? { events: 0, last: new Date(0) };
    s.events++;
    const at = new Date(r.timestamp as string);
    if (at > s.last) s.last = at;
    perSource.set(String(r.source_id), s);
  }
  const ids = [...perSource.keys()];
  await tx.execute(sql`
    update event_sources s set events_processed = events_processed + u.n, profiles_created = profiles_created + u.c,
      last_event_at = greatest(s.last_event_at, u.l)
    from unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((i) => perSource.get(i)!.events))}::int[], ${sql.param(ids.map((i) => created.get(i) ?? 0))}::int[],
                ${sql.param(ids.map((i) => perSource.get(i)!.last.toISOString()))}::text[]::timestamptz[]) as u(id, n, c, l)
    where s.id = u.id`);
}

/** Brands whose events wait with no job: queued again (what a queue outage left behind). */
export async function resolveBacklogSweep(deps: { db: Db; jobs: JobProducer }, input: { olderThanMs: number }): Promise<number> {
  const rows = await deps.db.execute<Row>(sql`
    select distinct brand_id from events where resolved_at is null and received_at < ${new Date(Date.now() - input.olderThanMs).toISOString()}::timestamptz`);
  const window = Math.floor(Date.now() / 60_000);
  for (const r of rows) await deps.jobs.enqueue("ingestion", "resolveEvents", { brandId: String(r.brand_id) }, { jobId: `resolve-${String(r.brand_id)}-sweep-${window}` });
  return rows.length;
}

/** What one transaction of customer resolution did: the groups it touched (to announce) and its counts. */
export interface CustomerPageResult {
  count: number;
  /** The last customer row read (the next page starts after it). */
  last: string;
  roots: number[];
  merged: number;
  refused: number;
}

/**
 * One page of a store's Shopify customers into profiles, in the caller's transaction, under the
 * brand's identity lock (taken here): the customers after `after` (row id), those of `customerIds`
 * only when given. New profiles are written with their figures; groups that were there before are
 * counted again. Null when no customer was left.
 */
export async function resolveCustomerPage(
  tx: Tx,
  input: { brandId: string; storeId: string; customerIds?: bigint[]; after: string; pageSize: number },
): Promise<CustomerPageResult | null> {
  await lockIdentity(tx, input.brandId);
  const only = input.customerIds ? sql`and shopify_id = any(${sql.param(input.customerIds.map(String))}::bigint[])` : sql``;
  const rows = await tx.execute<Row>(sql`
    select id, shopify_id, email, phone, first_name, last_name, email_consent, sms_consent, created_at, tags from shop_customers
    where store_id = ${input.storeId} and id > ${input.after} ${only} order by id limit ${input.pageSize}`);
  if (!rows.length) return null;
  const rules = await identityRules(tx, input.brandId);
  const observations = rows.map((r): Observation => {
    const email = normalizeEmail(r.email);
    const phone = normalizePhone(r.phone);
    const traits: Record<string, unknown> = {
      ...(r.first_name ? { firstName: r.first_name } : {}),
      ...(r.last_name ? { lastName: r.last_name } : {}),
      ...(r.email ? { email: r.email } : {}),
      ...(r.phone ? { phone: r.phone } : {}),
    };
    const key = `${input.storeId}:${String(r.shopify_id)}`;
    return {
      ref: { storeId: input.storeId, customerShopifyId: String(r.shopify_id) },
      identifiers: [
        { kind: "shopifyCustomer" as const, value: key },
        ...(email && !rules.blockedEmails.has(email) ? [{ kind: "email" as const, value: email }] : []),
        ...(phone ? [{ kind: "phone" as const, value: phone }] : []),
      ],
      traits,
      display: { name: nameOf(traits), email, phone },
      origin: { storeId: input.storeId },
    };
  });
  const resolution = await resolveObservations(tx, { brandId: input.brandId, observations, rules });
  // New profiles were written with their figures; groups that were there before are counted again.
  await refreshRollups(tx, resolution.staleRoots);
  return { count: rows.length, last: String(rows[rows.length - 1]!.id), roots: resolution.touchedRoots, merged: resolution.merged, refused: resolution.refused };
}

const FIRST_ROW = "00000000-0000-0000-0000-000000000000";

/**
 * Shopify customers of a store into profiles, set-based: a page of customers per transaction (a
 * history sync of 200k customers is 40 transactions, not 200k round trips). `customerIds` limits it
 * to those (a webhook's customer); without it, every customer of the store.
 */
export async function resolveStoreCustomers(
  deps: ResolveDeps,
  input: { brandId: string; storeId: string; customerIds?: bigint[]; pageSize?: number },
): Promise<{ customers: number; merged: number; refused: number }> {
  const pageSize = input.pageSize ?? 5_000;
  const total = { customers: 0, merged: 0, refused: 0 };
  let after = FIRST_ROW;
  for (;;) {
    const result = await deps.db.transaction((tx) => resolveCustomerPage(tx, { ...input, after, pageSize }));
    if (!result) break;
    total.customers += result.count;
    total.merged += result.merged;
    total.refused += result.refused;
    after = result.last;
    if (result.roots.length <= 500) await announceProfiles(deps, input.brandId, result.roots);
    if (result.count < pageSize) break;
  }
  return total;
}

/**
 * These customers of a store into profiles, in the caller's transaction (a webhook batch's, or one
 * change's): one page holds them all (a store has one row per customer id). Returns the groups
 * touched, to announce after the commit.
 */
export async function resolveCustomersIn(tx: Tx, input: { brandId: string; storeId: string; customerIds: bigint[] }): Promise<number[]> {
  const customerIds = [...new Set(input.customerIds)];
  if (!customerIds.length) return [];
  const page = await resolveCustomerPage(tx, { ...input, customerIds, after: FIRST_ROW, pageSize: customerIds.length });
  return page?.roots ?? [];
}

/** After orders of these customers changed, in the caller's transaction: their groups' figures again (the groups, to announce after the commit). */
export async function refreshCustomerRollupsIn(tx: Tx, input: { brandId: string; storeId: string; customerIds: bigint[] }): Promise<number[]> {
  if (!input.customerIds.length) return [];
  await lockIdentity(tx, input.brandId);
  const rows = await tx.execute<Row>(sql`
    select distinct p.root_id from profile_identifiers i join profiles p on p.id = i.profile_id
    where i.brand_id = ${input.brandId} and i.kind = 'shopifyCustomer'
      and i.value = any(${sql.param(input.customerIds.map((c) => `${input.storeId}:${c}`))}::text[])`);
  const ids = rows.map((r) => Number(r.root_id));
  await refreshRollups(tx, ids);
  return ids;
}
