import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { stores } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { loadStoreSession } from "~/server/services/stores/session";
import { getShopify } from "~/server/shopify/api";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { servicesReady, testInfra } from "../helpers/context";
import { connectedShop } from "../helpers/sync-harness";

const SHOP = "refresh-shop.myshopify.com";

/**
 * The session storage, with the first `callers` loads held until all of them have read: every
 * caller then holds the same (expiring) session before any refreshes — the race two jobs run into.
 */
function readTogether(storage: SessionStorage, callers: number): SessionStorage {
  let arrived = 0;
  let allRead!: () => void;
  const together = new Promise<void>((resolve) => (allRead = resolve));
  return Object.create(storage, {
    loadSession: {
      value: async (id: string): Promise<Session | undefined> => {
        const session = await storage.loadSession(id);
        if (++arrived <= callers) {
          if (arrived === callers) allRead();
          await together;
        }
        return session;
      },
    },
  }) as SessionStorage;
}

describe.skipIf(!servicesReady)("refreshing a store's rotating token from two jobs at once", () => {
  let infra: Infra;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = testInfra();
    ctx = await connectedShop({ infra, apiKey: "refresh-app", shop: SHOP, shopSpec: { seed: 3, orders: 40, customers: 10, products: 4, days: 30 } });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await infra?.close();
  });

  it("refreshes once; both jobs get the fresh token and the store stays connected", async () => {
    // The stored token is about to expire, so both jobs find a refresh due.
    await getSql()`update shopify_session set expires = now() where shop = ${SHOP}`;
    const storage = await getSessionStorage();
    const deps = { db: getDb(), shopify: getShopify(), storage: readTogether(storage, 2), lock: infra.lock };
    const shopTokens = () => [...ctx.emulator.state.tokens.values()].filter((t) => t.shop === SHOP).length;
    const tokensBefore = shopTokens();

    const [a, b] = await Promise.all([loadStoreSession(deps, { storeId: ctx.storeId }), loadStoreSession(deps, { storeId: ctx.storeId })]);

    expect(a.session.accessToken).toBe(b.session.accessToken);
    expect(shopTokens()).toBe(tokensBefore + 1); // one refresh, not two
    const [store] = await getDb().select().from(stores).where(eq(stores.id, ctx.storeId));
    expect(store!.status).toBe("connected");
    const stored = await storage.loadSession(store!.sessionId!);
    expect(stored!.accessToken).toBe(a.session.accessToken);
    expect(stored!.expires!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    // The fresh token works against the shop.
    const { data } = await new (getShopify().clients.Graphql)({ session: a.session }).request<{ shop: { myshopifyDomain: string } }>("{ shop { myshopifyDomain } }");
    expect(data!.shop.myshopifyDomain).toBe(SHOP);
  });
});
