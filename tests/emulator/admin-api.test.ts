import type { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "~/emulator";
import { installApp, makeShopify, SHOP, startHarness } from "./harness";

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

describe("emulator Admin GraphQL, driven by @shopify/shopify-api", () => {
  let emulator: Emulator;
  let session: Session;
  const shopify = makeShopify();
  const client = () => new shopify.clients.Graphql({ session });
  const faults = (body: Record<string, unknown>) =>
    fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  /** What a well-behaved client does: on THROTTLED, wait for the bucket to refill, then retry. */
  async function politely<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (attempt > 20 || !String((err as Error).message).includes("Throttled")) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  // The emulator's clock: real time, until a test stops it to step it by hand (the bucket refills by it).
  let stopped: number | null = null;
  const clock = () => stopped ?? Date.now();

  beforeAll(async () => {
    emulator = await startHarness({ clock });
    ({ session } = await installApp(shopify));
  });
  afterAll(() => emulator.close());

  it("answers a query with data, cost and throttle status", async () => {
    const res = await client().request<{ shop: { myshopifyDomain: string; currencyCode: string }; ordersCount: { count: number; precision: string } }>(
      "{ shop { myshopifyDomain currencyCode } ordersCount(limit: null) { count precision } }",
    );
    expect(res.data).toEqual({ shop: { myshopifyDomain: SHOP, currencyCode: "USD" }, ordersCount: { count: 500, precision: "EXACT" } });
    const cost = res.extensions!.cost as Cost;
    expect(cost.requestedQueryCost).toBe(2);
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
  });

  it("pages through every order with cursors, in creation order, with exact money", async () => {
    const query = `query($after: String) { orders(first: 100, after: $after, sortKey: CREATED_AT) {
      nodes { createdAt totalPriceSet { shopMoney { amount currencyCode } } }
      pageInfo { hasNextPage endCursor } } }`;
    type Page = { orders: { nodes: { createdAt: string; totalPriceSet: { shopMoney: { amount: string; currencyCode: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const seen: string[] = [];
    const cents = new Map<string, number>();
    let after: string | null = null;
    for (;;) {
      const { data }: { data?: Page } = await politely(() => client().request<Page>(query, { variables: { after } }));
      for (const o of data!.orders.nodes) {
        seen.push(o.createdAt);
        const { amount, currencyCode } = o.totalPriceSet.shopMoney;
        cents.set(currencyCode, (cents.get(currencyCode) ?? 0) + Math.round(Number(amount) * 100));
      }
      if (!data!.orders.pageInfo.hasNextPage) break;
      after = data!.orders.pageInfo.endCursor;
    }
    const truth = emulator.state.shop(SHOP)!.store.truth();
    expect(seen).toHaveLength(truth.counts.orders);
    expect([...seen].sort()).toEqual(seen);
    for (const [currency, m] of Object.entries(truth.money)) expect(((cents.get(currency) ?? 0) / 100).toFixed(2)).toBe(m.total);
  });

  it("filters by updated_at and sorts by UPDATED_AT", async () => {
    const since = "2026-09-25T00:00:00Z";
    const { data } = await client().request<{ orders: { nodes: { updatedAt: string }[] }; ordersCount: { count: number } }>(
      `{ orders(first: 250, query: "updated_at:>'${since}'", sortKey: UPDATED_AT) { nodes { updatedAt } } ordersCount(query: "updated_at:>'${since}'") { count } }`,
    );
    const stamps = data!.orders.nodes.map((o) => o.updatedAt);
    expect(stamps.length).toBeGreaterThan(0);
    expect(stamps.every((s) => s > since)).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(data!.ordersCount.count).toBe(stamps.length);
  });

  it("answers an invalid query with Shopify-shaped errors", async () => {
    await expect(client().request("{ shop { nope } }")).rejects.toMatchObject({
      body: { errors: { graphQLErrors: [{ message: "Field 'nope' doesn't exist on type 'Shop'", extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nope" } }] } },
    });
  });

  it("refuses a query over the single-query cost limit", async () => {
    await expect(client().request("{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }")).rejects.toMatchObject({
      body: { errors: { graphQLErrors: [{ extensions: { code: "MAX_COST_EXCEEDED", maxCost: 1000 } }] } },
    });
  });

  it("throttles in-band when the bucket is empty, and refills at the restore rate", async () => {
    // Time stands still (the bucket refills only when the test moves the clock), so the sums are exact.
    stopped = Date.now();
    try {
      // Each call reserves 2 + 160 × (1 + 2 + 3) = 962 points: a 2000-point bucket runs dry on the third.
      const expensive = "{ orders(first: 160) { nodes { id lineItems(first: 3) { nodes { id } } } } }";
      let throttled: unknown;
      for (let i = 0; i < 5 && !throttled; i++) await client().request(expensive).catch((err: unknown) => (throttled = err));
      expect(throttled).toMatchObject({ body: { errors: { graphQLErrors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] } } });
      const probe = async () => (await client().request("{ shop { name } }")).extensions!.cost as Cost;
      const first = await probe();
      stopped += 1_000;
      const second = await probe();
      // One second brings back restoreRate (100) points, less what the second probe itself cost.
      expect(second.throttleStatus.currentlyAvailable - first.throttleStatus.currentlyAvailable).toBe(100 - second.actualQueryCost!);
      stopped += 1_000;
      expect((await probe()).throttleStatus.currentlyAvailable).toBe(second.throttleStatus.currentlyAvailable + 100 - second.actualQueryCost!);
    } finally {
      stopped = null;
    }
  });

  it("can answer throttling with 429 and Retry-After, and serve 5xx on demand", async () => {
    await faults({ alwaysThrottle: true, throttleWith429: true });
    const res = await fetch(`https://${SHOP}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": session.accessToken! },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await faults({ alwaysThrottle: false, throttleWith429: false, serverErrorRate: 1 });
    const down = await fetch(`https://${SHOP}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": session.accessToken! },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(down.status).toBe(503);
    await fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "DELETE" });
  });

  it("adds and removes tags, visible to the next query", async () => {
    const { data } = await client().request<{ orders: { nodes: { id: string }[] } }>("{ orders(first: 1) { nodes { id } } }");
    const id = data!.orders.nodes[0]!.id;
    await client().request(`mutation($id: ID!) { tagsAdd(id: $id, tags: ["vip", "gift"]) { userErrors { message } } }`, { variables: { id } });
    await client().request(`mutation($id: ID!) { tagsRemove(id: $id, tags: ["gift"]) { userErrors { message } } }`, { variables: { id } });
    const after = await client().request<{ order: { tags: string[] } }>(`query($id: ID!) { order(id: $id) { tags } }`, { variables: { id } });
    expect(after.data!.order.tags).toContain("vip");
    expect(after.data!.order.tags).not.toContain("gift");
  });
});
