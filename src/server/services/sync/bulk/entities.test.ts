import { describe, expect, it } from "vitest";
import { orderRowsFromNode } from "../node-rows";
import type { OrderNode } from "../queries";
import { ChunkRows, copyText, ENTITY_DEFS, MalformedLineError } from "./entities";

const ORDERS = ENTITY_DEFS.orders;
const order = {
  id: "gid://shopify/Order/5000000000001",
  name: "#1001",
  email: "tab\there@example.com",
  phone: null,
  createdAt: "2026-01-02T03:04:05Z",
  updatedAt: "2026-01-03T03:04:05Z",
  processedAt: null,
  cancelledAt: null,
  currencyCode: "EUR",
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  displayFulfillmentStatus: "FULFILLED",
  customer: { id: "gid://shopify/Customer/3000000000007" },
  subtotalPriceSet: { shopMoney: { amount: "90.00" } },
  totalTaxSet: { shopMoney: { amount: "7.20" } },
  totalDiscountsSet: { shopMoney: { amount: "0.00" } },
  totalPriceSet: { shopMoney: { amount: "97.20" } },
  refunds: [
    { id: "gid://shopify/Refund/4000000000001", createdAt: "2026-01-04T00:00:00Z", totalRefundedSet: { shopMoney: { amount: "10.10" } } },
    { id: "gid://shopify/Refund/4000000000002", createdAt: "2026-01-05T00:00:00Z", totalRefundedSet: { shopMoney: { amount: "0.05" } } },
  ],
};
const line = {
  id: "gid://shopify/LineItem/6000000000001",
  quantity: 2,
  sku: null,
  title: "Back\\slash",
  originalUnitPriceSet: { shopMoney: { amount: "45.00" } },
  variant: { id: "gid://shopify/ProductVariant/8000000000001" },
  product: { id: "gid://shopify/Product/7000000000001" },
  __parentId: "gid://shopify/Order/5000000000001",
};

describe("bulk result lines → COPY rows", () => {
  it("escapes what COPY's text format needs escaped", () => {
    expect(copyText("plain")).toBe("plain");
    expect(copyText("a\tb\nc\\d\re")).toBe("a\\tb\\nc\\\\d\\re");
  });

  it("stages an order with its refunds (summed exactly) and a line item joined by __parentId, in any order", () => {
    const rows = new ChunkRows(3, ORDERS.tables);
    ORDERS.stage(line, rows, 1); // the child first
    ORDERS.stage(order, rows, 2);
    expect(rows.bytes("lines").toString()).toBe("3\t6000000000001\t5000000000001\t7000000000001\t8000000000001\tBack\\\\slash\t\\N\t2\t45.00\n");
    expect(rows.bytes("orders").toString()).toBe(
      "3\t5000000000001\t#1001\ttab\\there@example.com\t\\N\t3000000000007\tEUR\t90.00\t7.20\t0.00\t97.20\t10.1500\tpartially_refunded\tfulfilled\t\\N\t\\N\t2026-01-02T03:04:05Z\t2026-01-03T03:04:05Z\n",
    );
    expect(rows.bytes("refunds").toString().split("\n").filter(Boolean)).toHaveLength(2);
    expect({ roots: rows.roots, children: rows.children }).toEqual({ roots: 1, children: 1 });
  });

  it("names the line and the field when a record is not what the export promises", () => {
    const rows = new ChunkRows(1, ORDERS.tables);
    expect(() => ORDERS.stage({ ...order, updatedAt: undefined }, rows, 17)).toThrow(new MalformedLineError(17, "updatedAt is missing"));
    expect(() => ORDERS.stage({ id: "gid://shopify/Fulfillment/1", __parentId: order.id }, rows, 18)).toThrow(/Line 18 .*unexpected child gid:\/\/shopify\/Fulfillment\/1/);
  });

  it("lets a chunk hold each root once", () => {
    const rows = new ChunkRows(1, ORDERS.tables);
    expect(rows.claimRoot(5n)).toBe(true);
    expect(rows.claimRoot(6n)).toBe(true);
    expect(rows.claimRoot(5n)).toBe(false);
  });

  it("stages the production tables' own columns, named and typed as the Drizzle schema has them", () => {
    const table = (entity: keyof typeof ENTITY_DEFS, key: string) => ENTITY_DEFS[entity].tables.find((t) => t.key === key)!;
    const orders = table("orders", "orders");
    expect(orders.target).toBe("shop_orders");
    expect(orders.columns).toEqual([
      ["shopify_id", "bigint"], ["name", "text"], ["email", "text"], ["phone", "text"], ["customer_shopify_id", "bigint"], ["currency", "text"],
      ["subtotal", "numeric(20, 4)"], ["tax", "numeric(20, 4)"], ["discounts", "numeric(20, 4)"], ["total", "numeric(20, 4)"], ["refunded", "numeric(20, 4)"],
      ["financial_status", "text"], ["fulfillment_status", "text"], ["cancelled_at", "timestamp with time zone"], ["processed_at", "timestamp with time zone"],
      ["created_at", "timestamp with time zone"], ["updated_at", "timestamp with time zone"],
    ]);
    // ON CONFLICT names the table's primary key where it is the natural key, its unique index otherwise.
    expect(table("orders", "lines")).toMatchObject({ target: "shop_line_items", conflictKey: "store_id, order_shopify_id, shopify_id" });
    expect(table("products", "variants")).toMatchObject({ target: "shop_variants", conflictKey: "store_id, shopify_id" });
    expect(orders.conflictKey).toBeUndefined();
    // A mapped row has exactly the staged fields: nothing is dropped, nothing is left to default.
    const rows = orderRowsFromNode(order as unknown as OrderNode);
    expect(Object.keys(rows.order).sort()).toEqual([...orders.fields].sort());
    expect(Object.keys(rows.refunds[0]!).sort()).toEqual([...table("orders", "refunds").fields].sort());
  });
});
