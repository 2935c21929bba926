import { createHash } from "node:crypto";
import type { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "~/emulator";
import { formatCents } from "~/emulator/store/money";
import { FIXED_END, holdControl, installApp, makeShopify, SHOP, startHarness } from "./harness";

const BULK_ORDERS = `{ orders { edges { node {
  id name createdAt updatedAt totalPriceSet { shopMoney { amount currencyCode } }
  refunds { id totalRefundedSet { shopMoney { amount } } }
  lineItems { edges { node { id quantity sku originalUnitPriceSet { shopMoney { amount } } } } }
} } } }`;

type Line = Record<string, unknown> & { __parentId?: string; id: string };

describe("emulator bulk operations, driven by @shopify/shopify-api", () => {
  let emulator: Emulator;
  let session: Session;
  const shopify = makeShopify();
  const client = () => new shopify.clients.Graphql({ session });

  async function runBulk(query: string, groupObjects = false): Promise<{ id: string; url: string; objectCount: string }> {
    const started = await client().request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string }[] } }>(
      `mutation($q: String!, $g: Boolean!) { bulkOperationRunQuery(query: $q, groupObjects: $g) { bulkOperation { id status } userErrors { field message code } } }`,
      { variables: { q: query, g: groupObjects } },
    );
    expect(started.data!.bulkOperationRunQuery.userErrors).toEqual([]);
    const id = started.data!.bulkOperationRunQuery.bulkOperation!.id;
    for (;;) {
      const { data } = await client().request<{ node: { status: string; url: string | null; objectCount: string; errorCode: string | null } }>(
        `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url objectCount errorCode } } }`,
        { variables: { id } },
      );
      if (data!.node.status === "COMPLETED") return { id, url: data!.node.url!, objectCount: data!.node.objectCount };
      if (data!.node.status === "FAILED") throw new Error(`bulk failed: ${data!.node.errorCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function download(url: string): Promise<Line[]> {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Line);
  }

  beforeAll(async () => {
    emulator = await startHarness({ limits: { bulkObjectsPerSecond: 20_000 } });
    ({ session } = await installApp(shopify));
  });
  afterAll(() => emulator.close());

  it("exports every order with its line items as JSONL joined by __parentId, matching the truth exactly", async () => {
    const { url, objectCount } = await runBulk(BULK_ORDERS);
    const lines = await download(url);
    expect(typeof objectCount).toBe("string"); // UnsignedInt64, as Shopify sends it
    expect(Number(objectCount)).toBe(lines.length);

    const orders = new Map<string, Line & { items: Line[] }>();
    const children: Line[] = [];
    for (const line of lines) {
      if (line.__parentId) children.push(line);
      else orders.set(line.id, { ...line, items: [] });
    }
    // Children do not all follow their parent directly: consumers must join on __parentId.
    const adjacent = lines.every((l, i) => !l.__parentId || lines[i - 1]?.id === l.__parentId || lines[i - 1]?.__parentId === l.__parentId);
    expect(adjacent).toBe(false);
    for (const child of children) orders.get(child.__parentId!)!.items.push(child);

    const truth = emulator.state.shop(SHOP)!.store.truth();
    expect(orders.size).toBe(truth.counts.orders);
    expect(children.length).toBe(truth.counts.lineItems);
    const totals = new Map<string, { total: number; refunded: number; refunds: number }>();
    for (const o of orders.values()) {
      const money = o.totalPriceSet as { shopMoney: { amount: string; currencyCode: string } };
      const t = totals.get(money.shopMoney.currencyCode) ?? { total: 0, refunded: 0, refunds: 0 };
      t.total += Math.round(Number(money.shopMoney.amount) * 100);
      for (const r of o.refunds as { totalRefundedSet: { shopMoney: { amount: string } } }[]) {
        t.refunded += Math.round(Number(r.totalRefundedSet.shopMoney.amount) * 100);
        t.refunds++;
      }
      totals.set(money.shopMoney.currencyCode, t);
    }
    expect([...totals.values()].reduce((n, t) => n + t.refunds, 0)).toBe(truth.counts.refunds);
    for (const [currency, m] of Object.entries(truth.money)) {
      expect(formatCents(totals.get(currency)!.total)).toBe(m.total);
      expect(formatCents(totals.get(currency)!.refunded)).toBe(m.refunded);
    }
    // The exported record is the store's record.
    const sample = orders.get("gid://shopify/Order/5000000000123")!;
    const rec = emulator.state.shop(SHOP)!.store.orderById(5000000000123)!;
    expect(sample.name).toBe(rec.name);
    expect(sample.items.map((i) => [i.id, i.quantity]).sort()).toEqual(rec.lineItems.map((l) => [`gid://shopify/LineItem/${l.id}`, l.quantity]).sort());
  });

  it("groups children under their parent when asked", async () => {
    const { url } = await runBulk(BULK_ORDERS, true);
    const lines = await download(url);
    let parent = "";
    for (const l of lines) {
      if (!l.__parentId) parent = l.id;
      else expect(l.__parentId).toBe(parent);
    }
  });

  it("expires the result: the URL stops working and the operation reads EXPIRED", async () => {
    emulator.state.limits.bulkUrlTtlSeconds = 1;
    try {
      const { id, url } = await runBulk("{ products { edges { node { id } } } }");
      expect((await fetch(url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_100));
      const gone = await fetch(url);
      expect(gone.status).toBe(400);
      expect(await gone.text()).toContain("ExpiredToken");
      const { data } = await client().request<{ node: { status: string; url: string | null } }>(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, {
        variables: { id },
      });
      expect(data!.node).toEqual({ status: "EXPIRED", url: null });
    } finally {
      emulator.state.limits.bulkUrlTtlSeconds = 7 * 24 * 3600;
    }
  });

  it("validates bulk queries like Shopify", async () => {
    const run = (q: string) =>
      client().request<{ bulkOperationRunQuery: { userErrors: { message: string; code: string }[] } }>(
        `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { userErrors { field message code } } }`,
        { variables: { q } },
      );
    const errors = async (q: string) => (await run(q)).data!.bulkOperationRunQuery.userErrors;
    expect(await errors("{ shop { name } }")).toMatchObject([{ message: "Bulk queries must contain at least one connection.", code: "INVALID" }]);
    expect(await errors("{ orders { edges { node { nope } } } }")).toMatchObject([{ message: expect.stringContaining('Cannot query field "nope"') }]);
    expect(await errors("{ orders { edges { node { name lineItems { edges { node { id } } } } } } }")).toMatchObject([{ message: expect.stringContaining("id field is required") }]);
    expect(await errors("{ orders { edges { node { id refunds { refundLineItems { edges { node { id } } } } } } } }")).toMatchObject([
      { message: "Queries that contain a connection field within a list field are not currently supported." },
    ]);
  });

  it("reports progress while running, enforces the concurrency limit and can cancel", async () => {
    // Exports stop after their first batch until released: RUNNING for as long as the test looks.
    const hold = holdControl(emulator.url, SHOP);
    await hold.set({ bulkAfterObjects: 1 });
    try {
      const starts = [];
      for (let i = 0; i < 6; i++) {
        starts.push(
          await client().request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string; code: string }[] } }>(
            `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } userErrors { message code } } }`,
            { variables: { q: BULK_ORDERS } },
          ),
        );
      }
      // 2026-10 allows five at a time for an app and shop.
      expect(starts.slice(0, 5).every((s) => s.data!.bulkOperationRunQuery.userErrors.length === 0)).toBe(true);
      expect(starts[5]!.data!.bulkOperationRunQuery.userErrors).toMatchObject([{ code: "LIMIT_REACHED" }]);

      const held = await hold.waitFor({ bulk: 5 });
      const { data } = await client().request<{ currentBulkOperation: { id: string; status: string; objectCount: string } }>("{ currentBulkOperation { id status objectCount } }");
      expect(data!.currentBulkOperation.status).toBe("RUNNING");
      expect(Number(data!.currentBulkOperation.objectCount)).toBeGreaterThan(0);
      expect(Number(data!.currentBulkOperation.objectCount)).toBeLessThan(held.held.bulk.length * 10_000);
      expect(held.held.bulk.map((b) => b.id)).toContain(data!.currentBulkOperation.id);

      for (const s of starts.slice(0, 5)) {
        const cancel = await client().request<{ bulkOperationCancel: { bulkOperation: { status: string } } }>(
          `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`,
          { variables: { id: s.data!.bulkOperationRunQuery.bulkOperation!.id } },
        );
        expect(cancel.data!.bulkOperationCancel.bulkOperation.status).toBe("CANCELING");
      }
      // The writers stop at their next batch and the operations settle as CANCELED.
      for (const s of starts.slice(0, 5)) {
        for (;;) {
          const { data: op } = await client().request<{ node: { status: string } }>(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, {
            variables: { id: s.data!.bulkOperationRunQuery.bulkOperation!.id },
          });
          if (op!.node.status === "CANCELED") break;
          expect(op!.node.status).toBe("CANCELING");
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect((await hold.state()).held.bulk).toEqual([]);
    } finally {
      await hold.release();
    }
  });

  it("holds a result download after a chosen line until released, counting lines from the file's start on a Range request", async () => {
    const { url } = await runBulk("{ customers { edges { node { id email } } } }");
    const whole = await (await fetch(url)).text();
    const lines = whole.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(20);
    const hold = holdControl(emulator.url, SHOP);
    await hold.set({ downloadAfterLines: 10 });
    try {
      // Reads the body as it comes; resolves with what arrived once `n` lines are in.
      const readUntil = async (res: Response, n: number) => {
        const reader = res.body!.getReader();
        let text = "";
        while (text.split("\n").length - 1 < n) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        return { text, rest: async () => { for (;;) { const { value, done } = await reader.read(); if (done) return text; text += new TextDecoder().decode(value); } } };
      };
      const first = await readUntil(await fetch(url), 10);
      const held = await hold.waitFor({ downloads: 1 });
      expect(held.held.downloads).toEqual([{ operation: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\//), line: 10 }]);
      expect(first.text).toBe(`${lines.slice(0, 10).join("\n")}\n`);
      // A second download resuming at line 6 (Range) stops at the same line 10 of the file.
      const from = Buffer.byteLength(`${lines.slice(0, 5).join("\n")}\n`);
      const ranged = await fetch(url, { headers: { range: `bytes=${from}-` } });
      expect(ranged.status).toBe(206);
      const second = await readUntil(ranged, 5);
      expect((await hold.waitFor({ downloads: 2 })).held.downloads.map((d) => d.line)).toEqual([10, 10]);
      expect(second.text).toBe(`${lines.slice(5, 10).join("\n")}\n`);
      await hold.release();
      expect(await first.rest()).toBe(whole);
      expect(await second.rest()).toBe(whole.slice(from));
    } finally {
      await hold.release();
    }
  });

  it("fails on demand with an error code and a partial result", async () => {
    await fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ bulkFailure: "INTERNAL_SERVER_ERROR" }) });
    await expect(runBulk("{ customers { edges { node { id email } } } }")).rejects.toThrow("bulk failed: INTERNAL_SERVER_ERROR");
    await fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "DELETE" });
  });

  it("exports a large store on worker threads with exactly the bytes the single-threaded export writes", async () => {
    const big = await startEmulator({
      apps: [{ name: "Big", clientId: "big", clientSecret: "big-secret", redirectUrls: [], scopes: ["read_orders"] }],
      shops: [{ domain: "big-shop", seed: 3, orders: 25_000, endAt: FIXED_END }],
    });
    try {
      const shop = big.state.shop("big-shop")!;
      // A change since generation must reach the workers too.
      big.effects.refundOrder(shop, 5_000_000_000_042, { lines: [{ lineItemId: shop.store.order(42).lineItems[0]!.id, quantity: 1 }] });
      const token = (await (await fetch(`${big.url}/_emulator/shops/big-shop/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "big" }) })).json()).accessToken as string;
      const exportOnce = async (threads: number) => {
        big.state.limits.bulkThreads = threads;
        const gql = async (query: string, variables = {}) =>
          (await (await fetch(`${big.url}/admin/api/2026-10/graphql.json`, { method: "POST", headers: { "content-type": "application/json", "x-shopify-access-token": token, "x-shopify-emulator-shop": "big-shop" }, body: JSON.stringify({ query, variables }) })).json()) as { data: Record<string, { bulkOperation?: { id: string }; status?: string; url?: string }> };
        const started = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } } }`, { q: BULK_ORDERS });
        const id = started.data.bulkOperationRunQuery!.bulkOperation!.id;
        for (;;) {
          const op = (await gql(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id })).data.node!;
          if (op.status === "COMPLETED") return (await fetch(op.url!)).text();
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const threaded = await exportOnce(2);
      const inline = await exportOnce(0);
      expect(threaded.split("\n").length).toBeGreaterThan(25_000);
      expect(threaded.includes('"id":"gid://shopify/Order/5000000000042"')).toBe(true);
      expect(createHash("sha256").update(threaded).digest("hex")).toBe(createHash("sha256").update(inline).digest("hex"));
    } finally {
      await big.close();
    }
  });

  it("is deterministic: the same seed gives a byte-identical export", async () => {
    const query = "{ customers { edges { node { id email phone createdAt } } } }";
    const digest = async (url: string) => createHash("sha256").update(await (await fetch(url)).text()).digest("hex");
    const mine = await digest((await runBulk(query, true)).url);
    // A second emulator with the same seed (this also routes the shop's traffic to it).
    const other = await startHarness();
    try {
      ({ session } = await installApp(shopify));
      expect(await digest((await runBulk(query, true)).url)).toBe(mine);
    } finally {
      await other.close();
    }
  });
});
