import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "~/emulator/admin/schema";
import { orderObject } from "~/emulator/admin/objects";
import { ShopStore } from "~/emulator/store/shop-store";
import { planBulkQuery } from "~/emulator/bulk/plan";
import { allChildren, compileSerializer, project } from "~/emulator/bulk/project";

const QUERY = `{ orders { edges { node {
  id name email note tags createdAt cancelledAt currencyCode displayFinancialStatus
  customer { id email } totalPriceSet { shopMoney { amount currencyCode } }
  refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
  lineItems { edges { node { id sku title quantity variant { id } originalUnitPriceSet { shopMoney { amount } } } } }
} } } }`;

describe("compileSerializer", () => {
  it("writes exactly the JSON that JSON.stringify of the projected object would", async () => {
    const plan = planBulkQuery(await loadAdminSchema("2026-10"), QUERY);
    const end = Date.UTC(2026, 9, 1);
    const store = new ShopStore({ seed: 5, orders: 400, customers: 100, products: 20, startAt: end - 200 * 86_400_000, endAt: end, currencies: ["USD", "EUR"] });
    const serializeOrder = compileSerializer(plan.plan);
    const serializeLine = compileSerializer(plan.plan.children[0]!.plan);
    for (let i = 0; i < store.orderTotal; i++) {
      // Strings that need escaping travel through too.
      const order = i % 50 === 0 ? { ...store.order(i), note: 'He said "hi"\n\\ bye', tags: ['a"b\\c'] } : store.order(i);
      const obj = orderObject(store, order) as unknown as Record<string, unknown>;
      expect(serializeOrder(obj)).toBe(JSON.stringify(project(obj, plan.plan)));
      for (const line of allChildren(obj, "lineItems", {})) {
        expect(serializeLine(line, `"__parentId":${JSON.stringify(obj.id)}`)).toBe(JSON.stringify({ ...project(line, plan.plan.children[0]!.plan), __parentId: obj.id }));
      }
    }
  });
});
