import { getEnv } from "../env";
import { getLogger } from "../logger";
import { routeShopifyToEmulator } from "./routing";

let installed = false;

/** Called at process start (web and workers): routes Shopify traffic to the emulator when configured. */
export function installShopifyRouting(): void {
  const url = getEnv().SHOPIFY_EMULATOR_URL;
  if (installed || !url) return;
  routeShopifyToEmulator(url);
  installed = true;
  getLogger().info({ emulator: url }, "Shopify requests go to the emulator");
}
