import { describe, expect, it } from "vitest";
import { MalformedDataError } from "../../errors";
import { customerRowFromWebhook, orderRowsFromWebhook, productRowsFromWebhook } from "../commerce/webhook-rows";
import { customerRowFromNode, lineItemRowFromNode, orderRowsFromNode, productRowsFromNode } from "./node-rows";
import { type CustomerNode, type LineNode, numericId, type OrderNode, type ProductNode, type VariantNode } from "./queries";

const money = (amount: string) => ({ shopMoney: { amount } });

// One order as the Admin GraphQL API returns it (ORDER_FIELDS, LINE_FIELDS)…
const orderNode: OrderNode = {
  id: "gid://shopify/Order/5000000000001",
  name: "#1001",
  email: "Ana@Example.com",
  phone: "+14155550100",
  createdAt: "2026-01-02T03:04:05Z",
  updatedAt: "2026-01-05T00:00:00Z",
  processedAt: "2026-01-02T03:04:06Z",
  cancelledAt: null,
  currencyCode: "EUR",
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  displayFulfillmentStatus: "FULFILLED",
  customer: { id: "gid://shopify/Customer/3000000000007" },
  subtotalPriceSet: money("90.00"),
  totalTaxSet: money("7.20"),
  totalDiscountsSet: money("0.00"),
  totalPriceSet: money("97.20"),
  refunds: [
    { id: "gid://shopify/Refund/4000000000001", createdAt: "2026-01-04T00:00:00Z", totalRefundedSet: money("10.10") },
    { id: "gid://shopify/Refund/4000000000002", createdAt: "2026-01-05T00:00:00Z", totalRefundedSet: money("0.05") },
  ],
};
const lineNodes: LineNode[] = [
  { id: "gid://shopify/LineItem/6000000000001", quantity: 2, sku: "SKU-1", title: "Mug", originalUnitPriceSet: money("45.00"), variant: { id: "gid://shopify/ProductVariant/8000000000001" }, product: { id: "gid://shopify/Product/7000000000001" } },
  { id: "gid://shopify/LineItem/6000000000002", quantity: 1, sku: null, title: "Gift card", originalUnitPriceSet: money("0.00"), variant: null, product: null },
];

// …and the same order as its orders/updated webhook carries it (REST shape).
const orderBody = {
  id: 5000000000001,
  admin_graphql_api_id: "gid://shopify/Order/5000000000001",
  name: "#1001",
  email: "Ana@Example.com",
  phone: "+14155550100",
  created_at: "2026-01-02T03:04:05Z",
  updated_at: "2026-01-05T00:00:00Z",
  processed_at: "2026-01-02T03:04:06Z",
  cancelled_at: null,
  currency: "EUR",
  subtotal_price: "90.00",
  total_discounts: "0.00",
  total_tax: "7.20",
  total_price: "97.20",
  financial_status: "partially_refunded",
  fulfillment_status: "fulfilled",
  customer: { id: 3000000000007, email: "ana@example.com" },
  line_items: [
    { id: 6000000000001, product_id: 7000000000001, variant_id: 8000000000001, title: "Mug", sku: "SKU-1", quantity: 2, price: "45.00" },
    { id: 6000000000002, product_id: null, variant_id: null, title: "Gift card", sku: null, quantity: 1, price: "0.00" },
  ],
  refunds: [
    { id: 4000000000001, order_id: 5000000000001, created_at: "2026-01-04T00:00:00Z", transactions: [{ kind: "refund", status: "success", amount: "10.10" }] },
    { id: 4000000000002, order_id: 5000000000001, created_at: "2026-01-05T00:00:00Z", transactions: [{ kind: "refund", status: "success", amount: "0.05" }] },
  ],
};

describe("GraphQL nodes → rows", () => {
  it("maps an order with its line items and refunds, money exact and ids numeric", () => {
    const rows = orderRowsFromNode(orderNode, lineNodes);
    expect(rows.order).toEqual({
      shopifyId: 5000000000001n,
      name: "#1001",
      email: "Ana@Example.com",
      phone: "+14155550100",
      customerShopifyId: 3000000000007n,
      currency: "EUR",
      subtotal: "90.00",
      tax: "7.20",
      discounts: "0.00",
      total: "97.20",
      refunded: "10.1500",
      financialStatus: "partially_refunded",
      fulfillmentStatus: "fulfilled",
      cancelledAt: null,
      processedAt: "2026-01-02T03:04:06Z",
      createdAt: "2026-01-02T03:04:05Z",
      updatedAt: "2026-01-05T00:00:00Z",
    });
    expect(rows.lines).toEqual([
      { shopifyId: 6000000000001n, orderShopifyId: 5000000000001n, productShopifyId: 7000000000001n, variantShopifyId: 8000000000001n, title: "Mug", sku: "SKU-1", quantity: 2, price: "45.00" },
      { shopifyId: 6000000000002n, orderShopifyId: 5000000000001n, productShopifyId: null, variantShopifyId: null, title: "Gift card", sku: null, quantity: 1, price: "0.00" },
    ]);
    expect(rows.refunds).toEqual([
      { shopifyId: 4000000000001n, orderShopifyId: 5000000000001n, amount: "10.10", createdAt: "2026-01-04T00:00:00Z" },
      { shopifyId: 4000000000002n, orderShopifyId: 5000000000001n, amount: "0.05", createdAt: "2026-01-05T00:00:00Z" },
    ]);
  });

  it("gives the same rows for an order whichever way it arrived: GraphQL node or webhook body", () => {
    const fromNode = orderRowsFromNode(orderNode, lineNodes);
    const fromWebhook = orderRowsFromWebhook(orderBody, "orders/updated");
    // Money compares as numbers of ten-thousandths: "10.15" and "10.1500" are the same amount.
    const exact = (v: unknown) => (typeof v === "string" && /^-?\d+\.\d+$/.test(v) ? Number(v).toFixed(4) : v);
    const normalized = (rows: typeof fromNode) => JSON.parse(JSON.stringify(rows, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), (_, v: unknown) => exact(v)) as unknown;
    expect(normalized(fromWebhook)).toEqual(normalized(fromNode));
  });

  it("reads a gid's id exactly, 18 digits included, and refuses what is not one", () => {
    expect(numericId("gid://shopify/Order/820982911946154508")).toBe(820982911946154508n);
    expect(orderRowsFromNode({ ...orderNode, id: "gid://shopify/Order/820982911946154508" }).order.shopifyId).toBe(820982911946154508n);
    for (const bad of ["gid://shopify/Order/", "gid://shopify/Order/0x1f", "gid://shopify/Order/12a", "gid://shopify/Order/-1"]) {
      expect(() => numericId(bad), bad).toThrow(new MalformedDataError(`${bad} is not a Shopify id`));
    }
  });

  it("maps a line item read on its own (a bulk result line) under the order named by its parent", () => {
    expect(lineItemRowFromNode(lineNodes[0]!, 42n)).toMatchObject({ shopifyId: 6000000000001n, orderShopifyId: 42n, quantity: 2 });
  });

  it("maps a customer: email lowercased, tags joined, consent states lowercased", () => {
    const node: CustomerNode = {
      id: "gid://shopify/Customer/3000000000007",
      email: "Ana@Example.com",
      phone: null,
      firstName: "Ana",
      lastName: "Lima",
      tags: ["vip", "wholesale"],
      createdAt: "2025-12-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      emailMarketingConsent: { marketingState: "SUBSCRIBED" },
      smsMarketingConsent: null,
    };
    const row = customerRowFromNode(node);
    expect(row).toEqual({
      shopifyId: 3000000000007n,
      email: "ana@example.com",
      phone: null,
      firstName: "Ana",
      lastName: "Lima",
      tags: "vip, wholesale",
      emailConsent: "subscribed",
      smsConsent: null,
      createdAt: "2025-12-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    });
    const body = { id: 3000000000007, email: "Ana@Example.com", phone: null, first_name: "Ana", last_name: "Lima", tags: "vip, wholesale", created_at: "2025-12-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", email_marketing_consent: { state: "subscribed" }, sms_marketing_consent: null };
    expect(customerRowFromWebhook(body, "customers/update")).toEqual(row);
  });

  it("maps a product with its variants, the same as its webhook body", () => {
    const node: ProductNode = { id: "gid://shopify/Product/7000000000001", title: "Mug", handle: "mug", vendor: "Acme", productType: "Kitchen", status: "ACTIVE", tags: [], createdAt: "2025-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" };
    const variants: VariantNode[] = [{ id: "gid://shopify/ProductVariant/8000000000001", title: "Blue", sku: "SKU-1", price: "45.00" }];
    const rows = productRowsFromNode(node, variants);
    expect(rows).toEqual({
      product: { shopifyId: 7000000000001n, title: "Mug", handle: "mug", vendor: "Acme", productType: "Kitchen", status: "active", tags: null, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" },
      variants: [{ shopifyId: 8000000000001n, productShopifyId: 7000000000001n, title: "Blue", sku: "SKU-1", price: "45.00" }],
    });
    const body = { id: 7000000000001, title: "Mug", handle: "mug", vendor: "Acme", product_type: "Kitchen", status: "active", tags: "", created_at: "2025-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", variants: [{ id: 8000000000001, product_id: 7000000000001, title: "Blue", sku: "SKU-1", price: "45.00" }] };
    // REST sends "" for no tags; both shapes store null.
    expect(productRowsFromWebhook(body, "products/update")).toEqual(rows);
  });

  it("names the field a node lacks, as a domain error retrying cannot fix", () => {
    const without = (field: keyof OrderNode) => ({ ...orderNode, [field]: undefined }) as unknown as OrderNode;
    expect(() => orderRowsFromNode(without("updatedAt"))).toThrow(new MalformedDataError("updatedAt is missing"));
    expect(() => orderRowsFromNode(without("currencyCode"))).toThrow("currencyCode is missing");
    expect(() => orderRowsFromNode(without("refunds"))).toThrow("refunds is missing");
    expect(() => lineItemRowFromNode({ ...lineNodes[0]!, quantity: undefined } as unknown as LineNode, 1n)).toThrow("quantity is missing");
    expect(() => customerRowFromNode({ id: "gid://shopify/Customer/1" } as CustomerNode)).toThrow("updatedAt is missing");
    const err = (() => {
      try {
        productRowsFromNode({ id: "gid://shopify/Product/1", updatedAt: "2026-01-01T00:00:00Z" } as ProductNode);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: "UNPROCESSABLE_CONTENT", retryable: false, message: "title is missing" });
  });
});
