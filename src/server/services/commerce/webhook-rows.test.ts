import { describe, expect, it } from "vitest";
import { MalformedDataError } from "../../errors";
import { customerRowFromWebhook, deletedIdFromWebhook, orderRowsFromWebhook, productRowsFromWebhook, refundRowFromWebhook } from "./webhook-rows";

// Shaped like Shopify's published orders/create sample (fields we do not keep left out; ids from its REST docs).
const order = {
  id: 450789469,
  email: "jon@example.com",
  created_at: "2021-12-31T19:00:00-05:00",
  updated_at: "2021-12-31T19:00:00-05:00",
  cancelled_at: "2021-12-31T19:00:00-05:00",
  currency: "USD",
  financial_status: "voided",
  fulfillment_status: "pending",
  name: "#9999",
  phone: null,
  processed_at: "2021-12-31T19:00:00-05:00",
  subtotal_price: "369.97",
  total_discounts: "20.00",
  total_price: "359.97",
  total_tax: "0.00",
  customer: { id: 207119551, email: "john@example.com" },
  line_items: [
    { id: 466157049, price: "199.00", product_id: 632910392, quantity: 1, sku: "IPOD2008PINK", title: "IPod Nano - 8GB", variant_id: 808950810 },
    { id: 518995019, price: "199.00", product_id: null, quantity: 1, sku: "", title: "Shopify Gift Card", variant_id: null },
  ],
  refunds: [],
};

describe("webhook bodies (REST) → rows", () => {
  it("maps Shopify's sample order, keeping its timestamps and amounts as sent", () => {
    const rows = orderRowsFromWebhook(order, "orders/create");
    expect(rows.order).toEqual({
      shopifyId: 450789469,
      name: "#9999",
      email: "jon@example.com",
      phone: null,
      customerShopifyId: 207119551,
      currency: "USD",
      subtotal: "369.97",
      tax: "0.00",
      discounts: "20.00",
      total: "359.97",
      refunded: "0.0000",
      financialStatus: "voided",
      fulfillmentStatus: "pending",
      cancelledAt: "2021-12-31T19:00:00-05:00",
      processedAt: "2021-12-31T19:00:00-05:00",
      createdAt: "2021-12-31T19:00:00-05:00",
      updatedAt: "2021-12-31T19:00:00-05:00",
    });
    expect(rows.lines.map((l) => [l.shopifyId, l.orderShopifyId, l.productShopifyId, l.variantShopifyId, l.sku, l.quantity, l.price])).toEqual([
      [466157049, 450789469, 632910392, 808950810, "IPOD2008PINK", 1, "199.00"],
      [518995019, 450789469, null, null, "", 1, "199.00"],
    ]);
    expect(rows.refunds).toEqual([]);
  });

  it("sums a refund's transactions exactly; the order's refunded total leaves out sale transactions", () => {
    const refund = { id: 929361462, order_id: 450789469, created_at: "2026-01-04T00:00:00Z", transactions: [{ kind: "refund", amount: "41.94" }, { kind: "refund", amount: 0.1 }] };
    expect(refundRowFromWebhook(refund)).toEqual({ shopifyId: 929361462, orderShopifyId: 450789469, amount: "42.0400", createdAt: "2026-01-04T00:00:00Z" });
    const withSale = { ...order, refunds: [{ ...refund, order_id: order.id, transactions: [{ kind: "refund", amount: "5.00" }, { kind: "sale", amount: "1.00" }] }] };
    const rows = orderRowsFromWebhook(withSale, "orders/updated");
    expect(rows.order.refunded).toBe("5.0000");
    expect(rows.refunds[0]!.amount).toBe("6.0000");
  });

  it("maps customers (email lowercased) and products (with variants under their product)", () => {
    const customer = customerRowFromWebhook({ id: 706405506, email: "Bob@Biller.com", first_name: "Bob", last_name: "Biller", tags: "", updated_at: "2021-12-31T19:00:00-05:00", email_marketing_consent: null });
    expect(customer).toEqual({ shopifyId: 706405506, email: "bob@biller.com", phone: null, firstName: "Bob", lastName: "Biller", tags: null, emailConsent: null, smsConsent: null, createdAt: null, updatedAt: "2021-12-31T19:00:00-05:00" });
    const product = productRowsFromWebhook({ id: 788032119, title: "Example T-Shirt", updated_at: "2021-12-31T19:00:00-05:00", variants: [{ id: 642667041, title: "", price: "19.99", sku: "example-shirt-s" }] });
    expect(product.variants).toEqual([{ shopifyId: 642667041, productShopifyId: 788032119, title: "", sku: "example-shirt-s", price: "19.99" }]);
    expect(product.product).toMatchObject({ shopifyId: 788032119, title: "Example T-Shirt", status: null, createdAt: null });
    expect(deletedIdFromWebhook({ id: 123 }, "products/delete")).toBe(123);
  });

  it("names the topic and the field a body lacks, as a domain error retrying cannot fix", () => {
    const { currency: _, ...noCurrency } = order;
    expect(() => orderRowsFromWebhook(noCurrency, "orders/create")).toThrow(MalformedDataError);
    expect(() => orderRowsFromWebhook(noCurrency, "orders/create")).toThrow(/^orders\/create body: currency /);
    expect(() => orderRowsFromWebhook({ ...order, total_price: "12,50" }, "orders/updated")).toThrow("orders/updated body: total_price must be a decimal amount");
    expect(() => deletedIdFromWebhook({}, "customers/delete")).toThrow(/^customers\/delete body: id /);
  });
});
