import type { ShopState } from "./state";
import type { EmulatorState } from "./state";
import {
  cancelOrder,
  createCustomer,
  createOrder,
  createProduct,
  type CustomerInput,
  deleteCustomer,
  deleteOrder,
  deleteProduct,
  type OrderInput,
  refundOrder,
  updateCustomer,
  updateOrder,
  updateProduct,
} from "./store/mutations";
import type { OrderRec, ProductRec } from "./store/types";
import { customerPayload, deletedPayload, orderPayload, productPayload, refundPayload } from "./webhooks/payloads";
import type { WebhookService } from "./webhooks/service";

/** Whether the shop shows 18-digit ids. */
const big = (shop: ShopState) => Boolean(shop.store.spec.bigIds);

/** Store mutations with the webhooks Shopify fires for them. Both the Admin API and the control API go through here. */
export class ShopEffects {
  constructor(
    private readonly state: EmulatorState,
    private readonly webhooks: WebhookService,
  ) {}

  createOrder(shop: ShopState, input: OrderInput): OrderRec {
    const order = createOrder(shop.store, input);
    this.webhooks.trigger(shop, "orders/create", orderPayload(shop.store, order));
    return order;
  }

  updateOrder(shop: ShopState, id: number, patch: Parameters<typeof updateOrder>[2]): OrderRec {
    const order = updateOrder(shop.store, id, patch);
    this.webhooks.trigger(shop, "orders/updated", orderPayload(shop.store, order));
    return order;
  }

  cancelOrder(shop: ShopState, id: number, reason?: OrderRec["cancelReason"]): OrderRec {
    const order = cancelOrder(shop.store, id, reason ?? "CUSTOMER");
    this.webhooks.trigger(shop, "orders/cancelled", orderPayload(shop.store, order));
    this.webhooks.trigger(shop, "orders/updated", orderPayload(shop.store, order));
    return order;
  }

  /** orders/delete carries the id alone. */
  deleteOrder(shop: ShopState, id: number): OrderRec {
    const order = deleteOrder(shop.store, id);
    this.webhooks.trigger(shop, "orders/delete", deletedPayload(order.id, big(shop)));
    return order;
  }

  refundOrder(shop: ShopState, id: number, input: Parameters<typeof refundOrder>[2]) {
    const { order, refund } = refundOrder(shop.store, id, input);
    this.webhooks.trigger(shop, "refunds/create", refundPayload(order, refund, big(shop)));
    this.webhooks.trigger(shop, "orders/updated", orderPayload(shop.store, order));
    return { order, refund };
  }

  createCustomer(shop: ShopState, input: CustomerInput) {
    const customer = createCustomer(shop.store, input);
    this.webhooks.trigger(shop, "customers/create", customerPayload(customer, big(shop), shop.store.spec.currencies[0]));
    return customer;
  }

  updateCustomer(shop: ShopState, id: number, patch: CustomerInput) {
    const customer = updateCustomer(shop.store, id, patch);
    this.webhooks.trigger(shop, "customers/update", customerPayload(customer, big(shop), shop.store.spec.currencies[0]));
    return customer;
  }

  deleteCustomer(shop: ShopState, id: number) {
    const customer = deleteCustomer(shop.store, id);
    this.webhooks.trigger(shop, "customers/delete", deletedPayload(customer.id, big(shop)));
    return customer;
  }

  createProduct(shop: ShopState, input: Parameters<typeof createProduct>[1]): ProductRec {
    const product = createProduct(shop.store, input);
    this.webhooks.trigger(shop, "products/create", productPayload(product, big(shop)));
    return product;
  }

  updateProduct(shop: ShopState, id: number, patch: Parameters<typeof updateProduct>[2]): ProductRec {
    const product = updateProduct(shop.store, id, patch);
    this.webhooks.trigger(shop, "products/update", productPayload(product, big(shop)));
    return product;
  }

  deleteProduct(shop: ShopState, id: number): ProductRec {
    const product = deleteProduct(shop.store, id);
    this.webhooks.trigger(shop, "products/delete", deletedPayload(product.id, big(shop)));
    return product;
  }

  /** The merchant uninstalls an app: app/uninstalled goes out, then its tokens and subscriptions are gone. */
  uninstall(shop: ShopState, clientId: string): void {
    this.webhooks.trigger(shop, "app/uninstalled", { id: 1, name: shop.name, domain: shop.domain, myshopify_domain: shop.domain }, clientId);
    shop.installedApps.delete(clientId);
    shop.webhooks.delete(clientId);
    this.state.revokeTokens(shop.domain, clientId);
  }
}
