import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { MalformedDataError } from "../../errors";
import { requireBrandChild } from "../brands/access";
import { dataRequests, shopCustomers, shopifySession, shopLineItems, shopOrders, stores, webhookDeliveries } from "../../db/schema";
import { eraseStoreRecords, redactCustomerRecords } from "../commerce/write";
import { personOfShopifyCustomer } from "../identity/customers";
import { eraseRejectionsNaming } from "../events/sources";
import { eraseShopifyCustomerPeople, eraseStorePeople } from "../identity/erase";
import { announceProfiles, type ResolveDeps, resolveStoreCustomers } from "../identity/resolve";

// Shopify's three mandatory compliance webhooks (SPEC C4). Their bodies are Shopify's:
//   customers/data_request { shop_domain, customer: { id, email, phone }, orders_requested: [ids], data_request: { id } }
//   customers/redact       { shop_domain, customer: { id, email, phone }, orders_to_redact: [ids] }
//   shop/redact            { shop_domain }

/** Ids are numbers, or bigints beyond 2^53 (bodies are parsed with lossless-json.ts). */
type Id = number | bigint;
interface CustomerRef {
  customer?: { id?: Id; email?: string | null; phone?: string | null };
  orders_requested?: Id[];
  orders_to_redact?: Id[];
  data_request?: { id?: Id };
}

const isId = (v: unknown): v is Id => (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";

/** The order ids a body names, as bigints; a body naming something else is refused. */
function orderIdsOf(ids: unknown[] | undefined, field: string): bigint[] {
  return (ids ?? []).map((v) => {
    if (!isId(v)) throw new MalformedDataError(`compliance body: ${field} holds ${String(v)}, not an order id`);
    return BigInt(v);
  });
}

/** A value as JSON stores it exactly: bigint ids as their digits (text). */
function exactJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

async function storesOf(db: Db | Tx, shopDomain: string) {
  return db.select({ id: stores.id, brandId: stores.brandId }).from(stores).where(eq(stores.shopDomain, shopDomain));
}

function customerIdOf(body: CustomerRef): bigint {
  const id = body.customer?.id;
  if (!isId(id)) throw new MalformedDataError("compliance body: customer.id is missing");
  return BigInt(id);
}

/** Assembles everything we hold about the customer, per brand, for the operator to download. */
export async function recordDataRequest(deps: { db: Db }, input: { shopDomain: string; body: CustomerRef }): Promise<number> {
  const customerId = customerIdOf(input.body);
  const orderIds = orderIdsOf(input.body.orders_requested, "orders_requested");
  let made = 0;
  for (const store of await storesOf(deps.db, input.shopDomain)) {
    const profile = await deps.db.select().from(shopCustomers).where(and(eq(shopCustomers.storeId, store.id), eq(shopCustomers.shopifyId, customerId)));
    const orders = await deps.db
      .select()
      .from(shopOrders)
      .where(and(eq(shopOrders.storeId, store.id), orderIds.length ? or(eq(shopOrders.customerShopifyId, customerId), inArray(shopOrders.shopifyId, orderIds)) : eq(shopOrders.customerShopifyId, customerId)));
    const lines = orders.length
      ? await deps.db.select().from(shopLineItems).where(and(eq(shopLineItems.storeId, store.id), inArray(shopLineItems.orderShopifyId, orders.map((o) => o.shopifyId))))
      : [];
    await deps.db.insert(dataRequests).values({
      brandId: store.brandId,
      storeId: store.id,
      customerShopifyId: String(customerId),
      shopifyRequestId: input.body.data_request?.id ? String(input.body.data_request.id) : null,
      export: exactJson({
        shop: input.shopDomain,
        customer: profile[0] ?? null,
        orders: orders.map((o) => ({ ...o, lineItems: lines.filter((l) => l.orderShopifyId === o.shopifyId) })),
        person: await personOfShopifyCustomer(deps, { brandId: store.brandId, storeId: store.id, customerId }),
      }),
    });
    made++;
  }
  return made;
}

/**
 * Erases the customer's personal data everywhere we keep it: the shop's customer record, orders'
 * contact details, raw webhook bodies, and the person they are in each brand (profiles,
 * identifiers, merges, events: identity/erase.ts). `redactedAt` is when Shopify asked: a delivery
 * about the customer or their orders sent before it, arriving later, is kept from bringing the
 * data back (commerce/tombstones.ts).
 */
export async function redactCustomer(deps: ResolveDeps, input: { shopDomain: string; body: CustomerRef; redactedAt: Date }): Promise<void> {
  const customerId = customerIdOf(input.body);
  const orderIds = orderIdsOf(input.body.orders_to_redact, "orders_to_redact");
  const erased: { brandId: string; roots: number[]; otherCustomers: { storeId: string; customerId: bigint }[] }[] = [];
  await deps.db.transaction(async (tx) => {
    for (const store of (await storesOf(tx, input.shopDomain)).sort((a, b) => a.id.localeCompare(b.id))) {
      await redactCustomerRecords(tx, store, { customerId, orderIds, redactedAt: input.redactedAt });
      await tx.delete(dataRequests).where(and(eq(dataRequests.storeId, store.id), eq(dataRequests.customerShopifyId, String(customerId))));
      const people = await eraseShopifyCustomerPeople(tx, { brandId: store.brandId, storeId: store.id, customerId });
      // Refused event requests that named them (the Sources page's activity keeps their start).
      await eraseRejectionsNaming(tx, { brandId: store.brandId, values: [...people.values, ...[input.body.customer?.email, input.body.customer?.phone].filter((v): v is string => typeof v === "string")] });
      erased.push({ brandId: store.brandId, ...people });
    }
    // Raw bodies that carried the customer (their own topics, or as an order's customer).
    await tx.delete(webhookDeliveries).where(
      and(
        eq(webhookDeliveries.shopDomain, input.shopDomain),
        sql`(${webhookDeliveries.topic} like 'customers/%' and ${webhookDeliveries.payload}->>'id' = ${String(customerId)})
          or ${webhookDeliveries.payload}->'customer'->>'id' = ${String(customerId)}`,
      ),
    );
  });
  for (const e of erased) {
    await announceProfiles(deps, e.brandId, e.roots);
    // The same person's customer record in another store of the brand still stands: a profile of its own again.
    for (const storeId of new Set(e.otherCustomers.map((c) => c.storeId))) {
      const customerIds = e.otherCustomers.filter((c) => c.storeId === storeId).map((c) => c.customerId);
      await resolveStoreCustomers(deps, { brandId: e.brandId, storeId, customerIds });
    }
  }
}

/** Erases everything we hold for the shop (48 hours after uninstall, Shopify asks for it), in its stores' data and in the brands' profiles. */
export async function redactShop(deps: ResolveDeps, input: { shopDomain: string }): Promise<void> {
  const touched: { brandId: string; roots: number[] }[] = [];
  await deps.db.transaction(async (tx) => {
    const shopStores = await storesOf(tx, input.shopDomain);
    const ids = shopStores.map((s) => s.id);
    if (ids.length) {
      await eraseStoreRecords(tx, ids);
      for (const brandId of new Set(shopStores.map((s) => s.brandId))) {
        const storeIds = shopStores.filter((s) => s.brandId === brandId).map((s) => s.id);
        touched.push({ brandId, roots: (await eraseStorePeople(tx, { brandId, storeIds })).roots });
      }
      await tx.delete(dataRequests).where(inArray(dataRequests.storeId, ids));
      await tx.update(stores).set({ status: "uninstalled", sessionId: null, statusChangedAt: new Date() }).where(inArray(stores.id, ids));
    }
    await tx.delete(shopifySession).where(eq(shopifySession.shop, input.shopDomain));
    await tx.delete(webhookDeliveries).where(and(eq(webhookDeliveries.shopDomain, input.shopDomain), sql`${webhookDeliveries.topic} <> 'shop/redact'`));
  });
  for (const t of touched) await announceProfiles(deps, t.brandId, t.roots);
}

export async function listDataRequests(deps: { db: Db }, input: { brandId: string }) {
  return deps.db
    .select({ id: dataRequests.id, customerShopifyId: dataRequests.customerShopifyId, requestedAt: dataRequests.requestedAt, shop: stores.shopDomain })
    .from(dataRequests)
    .innerJoin(stores, eq(stores.id, dataRequests.storeId))
    .where(eq(dataRequests.brandId, input.brandId))
    .orderBy(sql`${dataRequests.requestedAt} desc`)
    .limit(50);
}

/** A data request of this brand (NOT_FOUND for another brand's or an unknown id). */
export function getDataRequestExport(deps: { db: Db }, input: { brandId: string; id: string }) {
  return requireBrandChild(deps, { brandId: input.brandId, kind: "dataRequest", id: input.id });
}
