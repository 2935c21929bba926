import { formatCents, isoSeconds, presentmentCents } from "../store/money";
import { refundPresentmentCents } from "../store/refunds";
import type { ShopStore } from "../store/shop-store";
import { type CustomerRec, type LineItemRec, type OrderRec, type ProductRec, type RefundRec, refundTotal, type VariantRec } from "../store/types";
import { arrayConnection, type ConnectionArgs } from "./connection";
import { gid, idText } from "./ids";

/**
 * GraphQL objects over store records, shaped like Shopify's Admin types. Fields are getters and
 * methods (graphql-js reads properties and calls methods with the field's arguments), so only what
 * a query asks for is ever computed — which is what keeps bulk exports fast.
 *
 * `children` gives bulk exports a nested connection's nodes without paging through cursors.
 */

const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));

export function money(cents: number, currency: string) {
  return { amount: formatCents(cents), currencyCode: currency };
}

/** A MoneyBag: the amount in the shop's currency and as the customer saw it (converted, unless `presentment` is given). */
export function moneyBag(cents: number, currency: string, presentmentCurrency = currency, presentment?: number) {
  const shop = money(cents, currency);
  if (presentmentCurrency === currency) return { shopMoney: shop, presentmentMoney: shop };
  return { shopMoney: shop, presentmentMoney: money(presentment ?? presentmentCents(cents, currency, presentmentCurrency), presentmentCurrency) };
}

/** An order's amount as a MoneyBag. */
const orderMoney = (o: OrderRec, cents: number, presentment?: number) => moneyBag(cents, o.currency, o.presentmentCurrency, presentment);

/** What an order's refunds returned in the presentment currency. */
const refundedPresentment = (o: OrderRec) => o.refunds.reduce((n, r) => n + refundPresentmentCents(r), 0);

/** A record's gid as its shop shows it (18 digits with spec.bigIds). */
const gidIn = (store: ShopStore, type: string, id: number) => gid(type, id, store.spec.bigIds);

export interface HasChildren {
  children(name: string): unknown[] | undefined;
}

export class OrderNode implements HasChildren {
  readonly __typename = "Order";
  constructor(
    private readonly store: ShopStore,
    private readonly o: OrderRec,
  ) {}
  get id() { return gidIn(this.store, "Order", this.o.id); }
  get legacyResourceId() { return idText(this.o.id, this.store.spec.bigIds); }
  get name() { return this.o.name; }
  get email() { return this.o.email; }
  get phone() { return this.o.phone; }
  get createdAt() { return iso(this.o.createdAt); }
  get updatedAt() { return iso(this.o.updatedAt); }
  get processedAt() { return iso(this.o.processedAt); }
  get cancelledAt() { return iso(this.o.cancelledAt); }
  get cancelReason() { return this.o.cancelReason; }
  get closedAt() { return null; }
  get currencyCode() { return this.o.currency; }
  get presentmentCurrencyCode() { return this.o.presentmentCurrency; }
  get totalPriceSet() { return orderMoney(this.o, this.o.totalCents); }
  get subtotalPriceSet() { return orderMoney(this.o, this.o.subtotalCents); }
  get totalTaxSet() { return orderMoney(this.o, this.o.taxCents); }
  get totalDiscountsSet() { return orderMoney(this.o, this.o.discountCents); }
  get totalShippingPriceSet() { return orderMoney(this.o, this.o.shippingCents); }
  /** What the refunds' successful transactions returned (failed and pending ones returned nothing). */
  get totalRefundedSet() { return orderMoney(this.o, refundTotal(this.o), refundedPresentment(this.o)); }
  get currentTotalPriceSet() { return orderMoney(this.o, this.o.totalCents - refundTotal(this.o)); }
  get netPaymentSet() { return orderMoney(this.o, this.o.totalCents - refundTotal(this.o)); }
  get displayFinancialStatus() { return this.o.financialStatus; }
  get displayFulfillmentStatus() { return this.o.fulfillmentStatus; }
  get tags() { return this.o.tags; }
  get test() { return false; }
  get sourceName() { return "web"; }
  get note() { return this.o.note; }
  customer() {
    const id = this.o.customerId;
    // The record is generated only if a field other than the id is asked for.
    return id !== null && this.store.customerExists(id) ? new CustomerNode(this.store, () => this.store.customerById(id)!, id) : null;
  }
  lineItems(args: ConnectionArgs) { return arrayConnection(this.lineNodes(), args); }
  refunds(args: { first?: number | null }) {
    return this.o.refunds.slice(0, args.first ?? undefined).map((r) => new RefundNode(this.store, this.o, r));
  }
  children(name: string) { return name === "lineItems" ? this.lineNodes() : undefined; }
  private lineNodes() { return this.o.lineItems.map((l) => new LineItemNode(this.store, this.o, l)); }
}

export class LineItemNode {
  readonly __typename = "LineItem";
  constructor(
    private readonly store: ShopStore,
    private readonly o: OrderRec,
    private readonly l: LineItemRec,
  ) {}
  private get refundedQuantity() {
    let n = 0;
    for (const r of this.o.refunds) for (const x of r.lines) if (x.lineItemId === this.l.id) n += x.quantity;
    return n;
  }
  get id() { return gidIn(this.store, "LineItem", this.l.id); }
  get name() { return this.l.variantTitle === "Default Title" ? this.l.title : `${this.l.title} - ${this.l.variantTitle}`; }
  get title() { return this.l.title; }
  get variantTitle() { return this.l.variantTitle === "Default Title" ? null : this.l.variantTitle; }
  get sku() { return this.l.sku; }
  get vendor() { return this.l.vendor; }
  get quantity() { return this.l.quantity; }
  get currentQuantity() { return this.l.quantity - this.refundedQuantity; }
  get refundableQuantity() { return this.l.quantity - this.refundedQuantity; }
  get originalUnitPriceSet() { return orderMoney(this.o, this.l.unitCents); }
  get discountedUnitPriceSet() { return orderMoney(this.o, this.l.unitCents); }
  get originalTotalSet() { return orderMoney(this.o, this.l.unitCents * this.l.quantity); }
  discountedTotalSet() { return orderMoney(this.o, this.l.unitCents * this.l.quantity); }
  get totalDiscountSet() { return orderMoney(this.o, 0); }
  variant() {
    const found = this.store.variantById(this.l.variantId);
    return found ? new VariantNode(this.store, found.product, found.variant) : null;
  }
  product() {
    const p = this.store.productById(this.l.productId);
    return p ? new ProductNode(this.store, p) : null;
  }
}

export class RefundNode {
  readonly __typename = "Refund";
  constructor(
    private readonly store: ShopStore,
    private readonly o: OrderRec,
    private readonly r: RefundRec,
  ) {}
  get id() { return gidIn(this.store, "Refund", this.r.id); }
  get legacyResourceId() { return idText(this.r.id, this.store.spec.bigIds); }
  get createdAt() { return iso(this.r.createdAt); }
  get updatedAt() { return iso(this.r.createdAt); }
  get note() { return this.r.note; }
  /** The sum of its successful transactions, as Shopify's Refund.totalRefundedSet. */
  get totalRefundedSet() { return orderMoney(this.o, this.r.amountCents, refundPresentmentCents(this.r)); }
  transactions(args: ConnectionArgs) {
    return arrayConnection(
      this.r.transactions.map((t) => ({
        __typename: "OrderTransaction",
        id: gidIn(this.store, "OrderTransaction", t.id),
        kind: "REFUND",
        status: t.status.toUpperCase(),
        gateway: "bogus",
        processedAt: iso(this.r.createdAt),
        createdAt: iso(this.r.createdAt),
        // Recorded in the presentment currency; in the shop's at the refund's own rate.
        amountSet: orderMoney(this.o, this.shopShare(t.presentmentCents), t.presentmentCents),
      })),
      args,
    );
  }
  order() { return new OrderNode(this.store, this.o); }
  private shopShare(presentment: number) {
    const returned = refundPresentmentCents(this.r);
    return returned === 0 ? 0 : Math.round((presentment * this.r.amountCents) / returned);
  }
  refundLineItems(args: ConnectionArgs) {
    return arrayConnection(
      this.r.lines.map((x) => {
        const line = this.o.lineItems.find((l) => l.id === x.lineItemId)!;
        return {
          __typename: "RefundLineItem",
          id: gidIn(this.store, "RefundLineItem", x.id),
          quantity: x.quantity,
          restockType: "RETURN",
          priceSet: orderMoney(this.o, line.unitCents),
          subtotalSet: orderMoney(this.o, x.subtotalCents),
          totalTaxSet: orderMoney(this.o, 0),
          lineItem: () => new LineItemNode(this.store, this.o, line),
        };
      }),
      args,
    );
  }
}

function consent(state: CustomerRec["emailConsent"], at: number) {
  return { marketingState: state, marketingOptInLevel: state === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null, consentUpdatedAt: isoSeconds(at) };
}

export class CustomerNode implements HasChildren {
  readonly __typename = "Customer";
  private record: CustomerRec | undefined;
  constructor(
    private readonly store: ShopStore,
    load: CustomerRec | (() => CustomerRec),
    private readonly customerId = typeof load === "function" ? 0 : load.id,
  ) {
    if (typeof load === "function") this.load = load;
    else this.record = load;
  }
  private load: (() => CustomerRec) | undefined;
  private get c(): CustomerRec {
    this.record ??= this.load!();
    return this.record;
  }
  get id() { return gidIn(this.store, "Customer", this.customerId); }
  get legacyResourceId() { return idText(this.customerId, this.store.spec.bigIds); }
  get firstName() { return this.c.firstName; }
  get lastName() { return this.c.lastName; }
  get displayName() { return `${this.c.firstName} ${this.c.lastName}`.trim() || this.c.email || this.c.phone || "Customer"; }
  get email() { return this.c.email; }
  get phone() { return this.c.phone; }
  get createdAt() { return iso(this.c.createdAt); }
  get updatedAt() { return iso(this.c.updatedAt); }
  get tags() { return this.c.tags; }
  get note() { return this.c.note; }
  get locale() { return this.c.locale; }
  get state() { return "ENABLED"; }
  get verifiedEmail() { return this.c.email !== null; }
  get taxExempt() { return false; }
  get defaultEmailAddress() { return this.c.email ? { emailAddress: this.c.email, marketingState: this.c.emailConsent, validFormat: true } : null; }
  get defaultPhoneNumber() { return this.c.phone ? { phoneNumber: this.c.phone, marketingState: this.c.smsConsent } : null; }
  get emailMarketingConsent() { return this.c.email ? consent(this.c.emailConsent, this.c.updatedAt) : null; }
  get smsMarketingConsent() {
    return this.c.phone ? { ...consent(this.c.smsConsent, this.c.updatedAt), marketingOptInLevel: "SINGLE_OPT_IN", consentCollectedFrom: "SHOPIFY" } : null;
  }
  get defaultAddress() {
    const a = this.c.address;
    return {
      id: gidIn(this.store, "MailingAddress", a.id),
      firstName: a.firstName,
      lastName: a.lastName,
      name: `${a.firstName} ${a.lastName}`.trim(),
      address1: a.address1,
      address2: null,
      city: a.city,
      province: a.province,
      provinceCode: null,
      country: a.country,
      countryCodeV2: a.countryCode,
      zip: a.zip,
      phone: a.phone,
      company: null,
    };
  }
  addresses() { return [this.defaultAddress]; }
  addressesV2(args: ConnectionArgs) { return arrayConnection([this.defaultAddress], args); }
  children(name: string) { return name === "addressesV2" ? [this.defaultAddress] : undefined; }
}

export class VariantNode {
  readonly __typename = "ProductVariant";
  constructor(
    private readonly store: ShopStore,
    private readonly p: ProductRec,
    private readonly v: VariantRec,
  ) {}
  get id() { return gidIn(this.store, "ProductVariant", this.v.id); }
  get legacyResourceId() { return idText(this.v.id, this.store.spec.bigIds); }
  get title() { return this.v.title; }
  get sku() { return this.v.sku; }
  get price() { return formatCents(this.v.priceCents); }
  get compareAtPrice() { return null; }
  get barcode() { return null; }
  get position() { return this.v.position; }
  get inventoryQuantity() { return 100; }
  get createdAt() { return iso(this.p.createdAt); }
  get updatedAt() { return iso(this.p.updatedAt); }
  get selectedOptions() { return [{ name: "Title", value: this.v.title }]; }
  product() { return new ProductNode(this.store, this.p); }
}

export class ProductNode implements HasChildren {
  readonly __typename = "Product";
  constructor(
    private readonly store: ShopStore,
    private readonly p: ProductRec,
  ) {}
  get id() { return gidIn(this.store, "Product", this.p.id); }
  get legacyResourceId() { return idText(this.p.id, this.store.spec.bigIds); }
  get title() { return this.p.title; }
  get handle() { return this.p.handle; }
  get vendor() { return this.p.vendor; }
  get productType() { return this.p.productType; }
  get status() { return this.p.status; }
  get tags() { return this.p.tags; }
  get descriptionHtml() { return `<p>${this.p.title}</p>`; }
  get createdAt() { return iso(this.p.createdAt); }
  get updatedAt() { return iso(this.p.updatedAt); }
  get publishedAt() { return this.p.status === "ACTIVE" ? iso(this.p.createdAt) : null; }
  get totalInventory() { return 100 * this.p.variants.length; }
  get variantsCount() { return { count: this.p.variants.length, precision: "EXACT" }; }
  get priceRangeV2() {
    const prices = this.p.variants.map((v) => v.priceCents);
    const currency = this.store.spec.currencies[0]!;
    return { minVariantPrice: money(Math.min(...prices), currency), maxVariantPrice: money(Math.max(...prices), currency) };
  }
  variants(args: ConnectionArgs) { return arrayConnection(this.variantNodes(), args); }
  children(name: string) { return name === "variants" ? this.variantNodes() : undefined; }
  private variantNodes() { return this.p.variants.map((v) => new VariantNode(this.store, this.p, v)); }
}

export const orderObject = (store: ShopStore, o: OrderRec) => new OrderNode(store, o);
export const customerObject = (store: ShopStore, c: CustomerRec) => new CustomerNode(store, c);
export const productObject = (store: ShopStore, p: ProductRec) => new ProductNode(store, p);
export const variantObject = (store: ShopStore, p: ProductRec, v: VariantRec) => new VariantNode(store, p, v);
