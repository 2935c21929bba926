import { describe, expect, it } from "vitest";
import { MalformedDataError } from "../../errors";
import { parseLossless } from "../../lossless-json";
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
      shopifyId: 450789469n,
      name: "#9999",
      email: "jon@example.com",
      phone: null,
      customerShopifyId: 207119551n,
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
      [466157049n, 450789469n, 632910392n, 808950810n, "IPOD2008PINK", 1, "199.00"],
      [518995019n, 450789469n, null, null, "", 1, "199.00"],
    ]);
    expect(rows.refunds).toEqual([]);
  });

  it("counts only successful refund transactions, summed exactly", () => {
    const refund = {
      id: 929361462,
      order_id: 450789469,
      created_at: "2026-01-04T00:00:00Z",
      transactions: [
        { kind: "refund", status: "success", amount: "41.94" },
        { kind: "refund", status: "success", amount: 0.1 },
        { kind: "refund", status: "failure", amount: "41.94" },
        { kind: "refund", status: "pending", amount: "10.00" },
      ],
    };
    expect(refundRowFromWebhook(refund)).toEqual({ shopifyId: 929361462n, orderShopifyId: 450789469n, amount: "42.0400", createdAt: "2026-01-04T00:00:00Z" });
    const withSale = { ...order, refunds: [{ ...refund, order_id: order.id, transactions: [{ kind: "refund", status: "success", amount: "5.00" }, { kind: "sale", status: "success", amount: "1.00" }] }] };
    const rows = orderRowsFromWebhook(withSale, "orders/updated");
    expect(rows.order.refunded).toBe("5.0000");
    expect(rows.refunds[0]!.amount).toBe("5.0000");
  });

  it("stores money in the shop's currency when the customer paid in another (presentment) currency", () => {
    const set = (shop: string, presentment: string) => ({ shop_money: { amount: shop, currency_code: "USD" }, presentment_money: { amount: presentment, currency_code: "EUR" } });
    const refund = {
      id: 929361463,
      order_id: 450789469,
      transactions: [
        { kind: "refund", status: "failure", amount: "192.28", currency: "EUR" },
        { kind: "refund", status: "success", amount: "192.28", currency: "EUR" },
      ],
      // 183.12 + 14.65 of goods, less a 5.49 discrepancy Shopify recorded as an order adjustment: 192.28 returned.
      refund_line_items: [{ subtotal_set: set("199.00", "183.12"), total_tax_set: set("15.92", "14.65") }],
      order_adjustments: [{ amount_set: set("5.97", "5.49"), tax_amount_set: set("0.00", "0.00") }],
    };
    expect(refundRowFromWebhook(refund).amount).toBe("208.9500");
    const inEuros = {
      ...order,
      presentment_currency: "EUR",
      total_price: "359.97",
      total_price_set: set("359.97", "331.17"),
      subtotal_price_set: set("369.97", "340.37"),
      line_items: [{ ...order.line_items[0]!, price: "199.00", price_set: set("199.00", "183.12") }],
      refunds: [refund, { ...refund, id: 929361464, transactions: [{ kind: "refund", status: "success", amount: "18.40", currency: "EUR" }], refund_line_items: [], order_adjustments: [] }],
    };
    const rows = orderRowsFromWebhook(inEuros, "orders/updated");
    expect(rows.order).toMatchObject({ currency: "USD", total: "359.97", subtotal: "369.97" });
    expect(rows.lines[0]!.price).toBe("199.00");
    // The second refund has no two-currency amounts of its own: converted at the order's rate (359.97 / 331.17).
    expect(rows.refunds.map((r) => r.amount)).toEqual(["208.9500", "20.0000"]);
    expect(rows.order.refunded).toBe("228.9500");
    // A refunds/create body with no amount in the shop's currency at all cannot tell which currency is the shop's:
    // its transactions are taken as they are (the order's next orders/updated carries the refund with the order's rate).
    const alone = { ...refund, refund_line_items: [], order_adjustments: [] };
    expect(refundRowFromWebhook(alone).amount).toBe("192.2800");
    // With the shop's currency known and nothing to convert with, the body is refused rather than stored in the wrong currency.
    const unconvertible = { ...order, total_price_set: undefined, refunds: [alone] };
    expect(() => orderRowsFromWebhook(unconvertible, "orders/updated")).toThrow(/^orders\/updated body: refund 929361463: transactions in EUR /);
  });

  it("keeps 18-digit ids exact, from a body parsed without losing them", () => {
    const body = parseLossless('{"id":820982911946154508,"updated_at":"2021-12-31T19:00:00-05:00","email":"a@b.c"}');
    expect(customerRowFromWebhook(body).shopifyId).toBe(820982911946154508n);
    expect(deletedIdFromWebhook({ id: "820982911946154508" }, "orders/delete")).toBe(820982911946154508n);
    expect(() => deletedIdFromWebhook({ id: 8.5 }, "orders/delete")).toThrow(/^orders\/delete body: id /);
  });

  it("maps customers (email lowercased) and products (with variants under their product)", () => {
    const customer = customerRowFromWebhook({ id: 706405506, email: "Bob@Biller.com", first_name: "Bob", last_name: "Biller", tags: "", updated_at: "2021-12-31T19:00:00-05:00", email_marketing_consent: null });
    expect(customer).toEqual({ shopifyId: 706405506n, email: "bob@biller.com", phone: null, firstName: "Bob", lastName: "Biller", tags: null, emailConsent: null, smsConsent: null, createdAt: null, updatedAt: "2021-12-31T19:00:00-05:00" });
    const product = productRowsFromWebhook({ id: 788032119, title: "Example T-Shirt", updated_at: "2021-12-31T19:00:00-05:00", variants: [{ id: 642667041, title: "", price: "19.99", sku: "example-shirt-s" }] });
    expect(product.variants).toEqual([{ shopifyId: 642667041n, productShopifyId: 788032119n, title: "", sku: "example-shirt-s", price: "19.99" }]);
    expect(product.product).toMatchObject({ shopifyId: 788032119n, title: "Example T-Shirt", status: null, createdAt: null });
    expect(deletedIdFromWebhook({ id: 123 }, "products/delete")).toBe(123n);
  });

  it("names the topic and the field a body lacks, as a domain error retrying cannot fix", () => {
    const { currency: _, ...noCurrency } = order;
    expect(() => orderRowsFromWebhook(noCurrency, "orders/create")).toThrow(MalformedDataError);
    expect(() => orderRowsFromWebhook(noCurrency, "orders/create")).toThrow(/^orders\/create body: currency /);
    expect(() => orderRowsFromWebhook({ ...order, total_price: "12,50" }, "orders/updated")).toThrow("orders/updated body: total_price must be a decimal amount");
    expect(() => deletedIdFromWebhook({}, "customers/delete")).toThrow(/^customers\/delete body: id /);
  });
});
