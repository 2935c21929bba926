import type { IncomingMessage } from "node:http";
import type { EmulatorState, ShopState } from "../state";
import { normalizeShopDomain } from "../state";
import { HttpError } from "./router";

export const SHOP_HEADER = "x-shopify-emulator-shop";

/**
 * Which shop a request is for: the Host header (`demo.myshopify.com`, as requests routed by the
 * app's dispatcher keep it), then our routing header, then a `shop` query parameter (browser
 * redirects, which cannot keep the host).
 */
export function resolveShop(state: EmulatorState, req: IncomingMessage, url: URL): ShopState {
  const host = (req.headers.host ?? "").split(":")[0]!.toLowerCase();
  const candidates = [host.endsWith(".myshopify.com") ? host : "", String(req.headers[SHOP_HEADER] ?? ""), url.searchParams.get("shop") ?? ""];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const shop = state.shop(normalizeShopDomain(candidate));
    if (shop) return shop;
  }
  throw new HttpError(404, "Shop not found", { errors: "Not Found" });
}
