/**
 * `npm run emulator -- --shop demo-brand --orders 20000 --seed 42`: a local Shopify on
 * 127.0.0.1:4100 with one seeded shop and one app, until Ctrl-C.
 *
 * The app's client secret comes from the environment (SHOPIFY_API_SECRET), never the command
 * line: any local user can read a process's arguments (`ps`, /proc/<pid>/cmdline).
 */
import { parseArgs } from "node:util";
import { startEmulator } from "./index";
import { randomToken } from "./state";

if (process.argv.some((a) => a === "--client-secret" || a.startsWith("--client-secret="))) {
  console.error("--client-secret is not accepted: pass the app's client secret in the SHOPIFY_API_SECRET environment variable (arguments are visible to every local user).");
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    shop: { type: "string", default: "demo-brand" },
    orders: { type: "string", default: "20000" },
    customers: { type: "string" },
    products: { type: "string" },
    seed: { type: "string", default: "42" },
    days: { type: "string", default: "730" },
    end: { type: "string" },
    /** The shop's currency first, then those customers may also pay in: `--currencies USD,EUR,GBP`. */
    currencies: { type: "string" },
    /** Show ids with 18 digits, as Shopify's samples and test notifications do. */
    "big-ids": { type: "boolean", default: false },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: process.env.SHOPIFY_EMULATOR_PORT ?? "4100" },
    "client-id": { type: "string", default: process.env.SHOPIFY_API_KEY ?? "brandbase-dev" },
    redirect: { type: "string", multiple: true, default: ["http://localhost:3000/api/shopify/callback"] },
    "compliance-url": { type: "string" },
    "bulk-speed": { type: "string" },
    /** A name besides 127.0.0.1, localhost and [::1] that the control API answers to (repeatable). */
    "allowed-host": { type: "string", multiple: true, default: [] },
  },
});
const clientSecret = process.env.SHOPIFY_API_SECRET || "brandbase-dev-secret";

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const scopes = ["read_orders", "write_orders", "read_customers", "write_customers", "read_products", "write_products"];

const emulator = await startEmulator({
  host: values.host,
  port: Number(values.port),
  allowedHosts: values["allowed-host"],
  apps: [
    {
      name: "Brandbase",
      clientId: values["client-id"]!,
      clientSecret,
      redirectUrls: values.redirect!,
      scopes,
      complianceUrl: values["compliance-url"],
    },
  ],
  shops: [
    {
      domain: values.shop!,
      seed: Number(values.seed),
      orders: Number(values.orders),
      customers: num(values.customers),
      products: num(values.products),
      days: Number(values.days),
      endAt: values.end,
      currencies: values.currencies ? values.currencies.split(",").map((c) => c.trim().toUpperCase()) : undefined,
      bigIds: values["big-ids"],
    },
  ],
  limits: values["bulk-speed"] ? { bulkObjectsPerSecond: Number(values["bulk-speed"]) } : undefined,
});

const shop = [...emulator.state.shops.values()][0]!;
// A ready token for trying the Admin API by hand (the app gets its own through OAuth).
const token = randomToken("shpat_");
shop.installedApps.add(values["client-id"]!);
emulator.state.tokens.set(token, { token, shop: shop.domain, clientId: values["client-id"]!, scopes, online: false, expiresAt: null });

console.log(`
  Shopify emulator at ${emulator.url}
  Shop: ${shop.domain} (${shop.store.orderTotal} orders, ${shop.store.customerCount} customers, ${shop.store.productCount} products, seed ${values.seed})
  App:  client id ${values["client-id"]} · redirect ${values.redirect!.join(", ")}
  Try:  curl -s ${emulator.url}/admin/api/2026-10/graphql.json -H 'X-Shopify-Emulator-Shop: ${shop.domain}' \\
          -H 'X-Shopify-Access-Token: ${token}' -H 'Content-Type: application/json' \\
          -d '{"query":"{ shop { name } ordersCount(limit: null) { count } }"}'
  Control API: ${emulator.url}/_emulator · Ctrl-C stops
`);

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
