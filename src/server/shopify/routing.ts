import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";

/** The header that tells the emulator which shop a rerouted request was for. */
export const EMULATOR_SHOP_HEADER = "x-shopify-emulator-shop";

const isShopHost = (hostname: string) => hostname.endsWith(".myshopify.com");

function withHeader(headers: Dispatcher.DispatchOptions["headers"], name: string, value: string): Dispatcher.DispatchOptions["headers"] {
  if (!headers) return { [name]: value };
  if (Array.isArray(headers)) return [...headers, name, value] as string[];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") return [...(headers as Iterable<[string, string]>), [name, value]] as never;
  return { ...(headers as Record<string, string>), [name]: value };
}

/**
 * With SHOPIFY_EMULATOR_URL set, every server-side request to `*.myshopify.com` goes to the
 * emulator instead (the shop travels in a header), through undici's global dispatcher — which
 * Node's fetch, and so @shopify/shopify-api, uses. The library itself is not touched; with the
 * variable unset nothing is installed and requests go to Shopify.
 */
export function routeShopifyToEmulator(emulatorUrl: string): void {
  const target = new URL(emulatorUrl).origin;
  const base: Dispatcher = getGlobalDispatcher() ?? new Agent();
  const rerouting = base.compose((dispatch) => (opts, handler) => {
    const origin = opts.origin ? new URL(String(opts.origin)) : null;
    if (!origin || !isShopHost(origin.hostname)) return dispatch(opts, handler);
    return dispatch({ ...opts, origin: target, headers: withHeader(opts.headers, EMULATOR_SHOP_HEADER, origin.hostname) }, handler);
  });
  setGlobalDispatcher(rerouting);
}

/**
 * The browser cannot reach `*.myshopify.com` here either: a redirect the library builds for the
 * merchant (OAuth authorize) is pointed at the emulator, carrying the shop as a parameter.
 */
export function browserShopifyUrl(url: string, emulatorUrl: string | undefined): string {
  if (!emulatorUrl) return url;
  const parsed = new URL(url);
  if (!isShopHost(parsed.hostname)) return url;
  const target = new URL(`${parsed.pathname}${parsed.search}`, emulatorUrl);
  target.searchParams.set("shop", parsed.hostname);
  return target.toString();
}
