import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { lockIdentity, refreshRollups } from "./store";

// Erasure for Shopify's compliance requests (services/compliance): the identity tables' third
// writer, with store.ts and undo.ts. Runs in the caller's transaction, after its record locks.

type Row = Record<string, unknown>;

export interface ErasedPeople {
  /** Roots whose groups were erased (their cached pages are to be dropped). */
  roots: number[];
  profiles: number;
  events: number;
  /** Shopify customers of other stores that were in the erased groups: resolved again, on their own. */
  otherCustomers: { storeId: string; customerId: bigint }[];
  /** What identified the person (emails, phones, user and anonymous ids, external ids): to find other traces of them. */
  values: string[];
}

/**
 * customers/redact: the person a Shopify customer is — the whole profile group holding that
 * customer's identifier — is erased: its profiles, identifiers, merge history and events (also
 * those still waiting for resolution under the group's user and anonymous ids). A customer of
 * another store of the brand that was in the group is handed back, to be resolved again from what
 * that store still holds.
 */
export async function eraseShopifyCustomerPeople(tx: Tx, input: { brandId: string; storeId: string; customerId: bigint }): Promise<ErasedPeople> {
  await lockIdentity(tx, input.brandId);
  const value = `${input.storeId}:${input.customerId}`;
  const group = await tx.execute<Row>(sql`
    select p.id, p.root_id from profiles p
    where p.root_id = (select o.root_id from profile_identifiers i join profiles o on o.id = i.profile_id
                       where i.brand_id = ${input.brandId} and i.kind = 'shopifyCustomer' and i.value = ${value})`);
  if (!group.length) return { roots: [], profiles: 0, events: 0, otherCustomers: [], values: [] };
  const ids = group.map((r) => Number(r.id));
  const root = Number(group[0]!.root_id);
  const identifiers = await tx.execute<Row>(sql`select kind, value from profile_identifiers where profile_id = any(${sql.param(ids)}::bigint[])`);
  const of = (kind: string) => identifiers.filter((i) => i.kind === kind).map((i) => String(i.value));
  const waiting = await tx.execute<Row>(sql`
    delete from events where brand_id = ${input.brandId} and resolved_at is null
      and (user_id = any(${sql.param(of("userId"))}::text[]) or anonymous_id = any(${sql.param(of("anonymousId"))}::text[]))
    returning id`);
  const resolved = await tx.execute<Row>(sql`delete from events where profile_id = any(${sql.param(ids)}::bigint[]) returning id`);
  await tx.execute(sql`delete from profile_merges where brand_id = ${input.brandId} and (winner_id = any(${sql.param(ids)}::bigint[]) or loser_id = any(${sql.param(ids)}::bigint[]))`);
  // Identifiers go with their profiles (foreign key, on delete cascade).
  await tx.execute(sql`delete from profiles where id = any(${sql.param(ids)}::bigint[])`);
  const otherCustomers = of("shopifyCustomer")
    .filter((v) => v !== value)
    .map((v) => {
      const [storeId, customerId] = v.split(":");
      return { storeId: storeId!, customerId: BigInt(customerId!) };
    });
  const values = identifiers.filter((i) => i.kind !== "shopifyCustomer").map((i) => String(i.value));
  return { roots: [root], profiles: ids.length, events: waiting.length + resolved.length, otherCustomers, values };
}

/**
 * shop/redact: what the shop brought is taken out of every profile — its customers' identifiers
 * (Shopify customer ids, and the emails and phones first seen there) — and a profile left with no
 * identifier, no event and no member is deleted; the groups' figures are computed again without the
 * shop's orders (erased by the caller).
 */
export async function eraseStorePeople(tx: Tx, input: { brandId: string; storeIds: string[] }): Promise<{ roots: number[]; profiles: number }> {
  if (!input.storeIds.length) return { roots: [], profiles: 0 };
  await lockIdentity(tx, input.brandId);
  const removed = await tx.execute<Row>(sql`
    delete from profile_identifiers i using profiles p
    where i.brand_id = ${input.brandId} and i.store_id = any(${sql.param(input.storeIds)}::uuid[]) and p.id = i.profile_id
    returning i.profile_id, p.root_id`);
  const touched = [...new Set(removed.map((r) => Number(r.profile_id)))];
  if (!touched.length) return { roots: [], profiles: 0 };
  const empty = await tx.execute<Row>(sql`
    delete from profiles p where p.id = any(${sql.param(touched)}::bigint[])
      and not exists (select 1 from profile_identifiers i where i.profile_id = p.id)
      and not exists (select 1 from events e where e.profile_id = p.id)
      and not exists (select 1 from profiles c where c.merged_into = p.id)
    returning p.id, p.root_id`);
  const gone = empty.map((r) => Number(r.id));
  if (gone.length) {
    await tx.execute(sql`delete from profile_merges where brand_id = ${input.brandId} and (winner_id = any(${sql.param(gone)}::bigint[]) or loser_id = any(${sql.param(gone)}::bigint[]))`);
  }
  // What the shop's customer records put on the profiles that stay (their own identify calls bring it back).
  await tx.execute(sql`
    update profiles set traits = '{}'::jsonb, name = null, email = null, phone = null, updated_at = now()
    where id = any(${sql.param(touched.filter((id) => !gone.includes(id)))}::bigint[]) and store_id = any(${sql.param(input.storeIds)}::uuid[])`);
  const roots = [...new Set(removed.map((r) => Number(r.root_id)))];
  await refreshRollups(tx, roots);
  return { roots, profiles: gone.length };
}
