import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, DeliveryMethod, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { getEnv } from "../env";
import { getLogger } from "../logger";

export const SHOPIFY_API_VERSION = ApiVersion.October26;
export const CALLBACK_PATH = "/api/shopify/callback";
export const WEBHOOK_PATH = "/api/webhooks/shopify";

/** The topics we subscribe to on connect (SPEC C3). Compliance topics come through the app's configuration, not subscriptions. */
export const WEBHOOK_TOPICS = [
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_CANCELLED",
  "ORDERS_DELETE",
  "REFUNDS_CREATE",
  "CUSTOMERS_CREATE",
  "CUSTOMERS_UPDATE",
  "CUSTOMERS_DELETE",
  "PRODUCTS_CREATE",
  "PRODUCTS_UPDATE",
  "PRODUCTS_DELETE",
  "APP_UNINSTALLED",
  "BULK_OPERATIONS_FINISH",
] as const;

function createShopify() {
  const env = getEnv();
  if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET) {
    throw new Error("SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set (npm start sets them for the emulator in demo mode)");
  }
  const app = new URL(env.APP_URL);
  const log = getLogger().child({ component: "shopify-api" });
  const shopify = shopifyApi({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    scopes: env.SHOPIFY_SCOPES.split(",").map((s) => s.trim()).filter(Boolean),
    hostName: app.host,
    hostScheme: app.protocol === "http:" ? "http" : "https",
    apiVersion: SHOPIFY_API_VERSION,
    isEmbeddedApp: false,
    logger: {
      level: LogSeverity.Warning,
      // The library's own messages, through our logger (which redacts tokens).
      log: async (severity, message) => {
        if (severity <= LogSeverity.Error) log.error(message);
        else log.warn(message);
      },
    },
  });
  shopify.webhooks.addHandlers(Object.fromEntries(WEBHOOK_TOPICS.map((t) => [t, { deliveryMethod: DeliveryMethod.Http, callbackUrl: WEBHOOK_PATH }])));
  return shopify;
}

export type Shopify = ReturnType<typeof createShopify>;

const globalForShopify = globalThis as unknown as { __brandbaseShopify?: Shopify };

export function getShopify(): Shopify {
  globalForShopify.__brandbaseShopify ??= createShopify();
  return globalForShopify.__brandbaseShopify;
}

export function shopifyConfigured(): boolean {
  const env = getEnv();
  return Boolean(env.SHOPIFY_API_KEY && env.SHOPIFY_API_SECRET);
}
