import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { connectStore, createShop, EMULATOR, rememberSecret, signUpOwnerWithBrand } from "./helpers";
import { E2E_PORT, ROOT } from "./env";

const SHOTS = process.env.E2E_SCREENSHOTS;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

/** Segment's browser SDK as the npm package ships it (its UMD build), served to a storefront on another origin. */
const UMD = path.join(ROOT, "node_modules/@segment/analytics-next/dist/umd");

type OrderRec = { customerId: string | null; currency: string; total: string; refunded: string };
type CustomerRec = { id: string; email: string | null; firstName: string | null; lastName: string | null };

async function records<T>(page: Page, shop: string, kind: string): Promise<T[]> {
  const text = await (await page.request.get(`${EMULATOR}/_emulator/shops/${shop}/truth/${kind}`)).text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

test("Customer360: a Shopify customer and a storefront visitor (Segment's browser SDK) are one person with orders, net LTV and a live timeline; a merge is undone from the page", async ({ page, context }) => {
  test.setTimeout(180_000);
  const owner = await signUpOwnerWithBrand(page);
  const { shop } = await createShop(page.request, { orders: 200 });
  await page.goto(`/${owner.brand}/settings/stores`);
  await connectStore(page, shop);

  // A customer with a few orders: their net lifetime value is the shop's truth.
  const orders = await records<OrderRec>(page, shop, "orders");
  const customers = await records<CustomerRec>(page, shop, "customers");
  const count = (id: string) => orders.filter((o) => String(o.customerId) === String(id)).length;
  const buyer = customers.find((c) => c.email && c.firstName && count(c.id) >= 2 && count(c.id) <= 20)!;
  const theirs = orders.filter((o) => String(o.customerId) === String(buyer.id));
  const netCents = theirs.reduce((n, o) => n + Math.round(Number(o.total) * 100) - Math.round(Number(o.refunded) * 100), 0);
  const currency = theirs[0]!.currency;
  const net = new Intl.NumberFormat("en", { style: "currency", currency }).format(netCents / 100);

  // Settings → Sources: a source for the storefront, its write key shown once.
  await page.goto(`/${owner.brand}/settings/sources`);
  await page.getByLabel("Name").fill("Storefront");
  await page.getByRole("button", { name: "Create source" }).click();
  const writeKey = (await page.getByTestId("write-key").textContent())!.trim();
  expect(writeKey).toMatch(/^bbwk_/);
  rememberSecret("source write key", writeKey);
  await shot(page, "sources");

  // The storefront, a server of its own on another origin, loads Segment's own browser SDK with its API host set to us.
  const html = `<!doctype html><title>Storefront</title><script src="/analytics/index.js"></script><script>
        const analytics = window.AnalyticsNext.AnalyticsBrowser.load({
          writeKey: ${JSON.stringify(writeKey)},
          cdnSettings: { integrations: { "Segment.io": { apiKey: ${JSON.stringify(writeKey)}, apiHost: "localhost:${E2E_PORT}/v1", protocol: "http" } } },
        });
        window.sent = (async () => {
          const [a] = await analytics;
          await a.page("Shop", "Product page", { sku: "TEE-1" });
          await a.identify({ email: ${JSON.stringify(buyer.email!.toUpperCase())} });
          return a.user().anonymousId();
        })();
      </script>`;
  const server = createServer((req, res) => {
    const file = req.url?.startsWith("/analytics/") ? path.join(UMD, path.basename(req.url)) : null;
    if (!file) return res.writeHead(200, { "content-type": "text/html" }).end(html);
    void readFile(file).then(
      (body) => res.writeHead(200, { "content-type": "application/javascript" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const storefrontUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const storefront = await context.newPage();
  // Both calls reach the event API (cross-origin, with a CORS preflight) and are accepted.
  const accepted: string[] = [];
  storefront.on("response", (r) => {
    if (r.url().includes("/v1/") && r.request().method() === "POST") accepted.push(`${new URL(r.url()).pathname} ${r.status()}`);
  });
  storefront.on("requestfailed", (r) => console.log("storefront request failed:", r.url(), r.failure()?.errorText));
  await storefront.goto(storefrontUrl);
  const anonymousId = await storefront.evaluate(() => (window as unknown as { sent: Promise<string> }).sent);
  expect(anonymousId).toBeTruthy();
  await expect.poll(() => [...accepted].sort()).toEqual(["/v1/i 200", "/v1/p 200"]);
  await storefront.close();
  server.close();

  // Customers: search by email (the history sync resolves the shop's customers when it ends).
  await page.goto(`/${owner.brand}/customers`);
  const search = page.getByLabel("Search");
  await expect
    .poll(
      async () => {
        await search.fill(buyer.email!);
        await page.waitForTimeout(400);
        return page.getByRole("region", { name: "Customers" }).getByRole("link").count();
      },
      { timeout: 90_000 },
    )
    .toBe(1);
  await shot(page, "customers");
  await page.getByRole("region", { name: "Customers" }).getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/${owner.brand}/customers/\\d+$`));

  const main = page.getByRole("main");
  await expect(main.getByTestId("net-ltv")).toHaveText(net, { timeout: 30_000 });
  await expect(main.getByRole("list", { name: "Orders" }).getByRole("listitem")).toHaveCount(theirs.length);
  const timeline = main.getByTestId("timeline");
  await expect(timeline.getByText("Product page", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(timeline.getByText("Identified", { exact: true })).toBeVisible();
  await expect(main.getByRole("list", { name: "Identities" })).toContainText(anonymousId);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  // An event sent while the page is open appears without a reload.
  const sent = await page.request.post("/v1/track", {
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` },
    data: { anonymousId, event: "Wishlist Added", properties: { sku: "TEE-1" } },
  });
  expect(sent.status()).toBe(200);
  await expect(timeline.getByText("Wishlist Added", { exact: true })).toBeVisible({ timeout: 15_000 });
  await shot(page, "customer-360");

  // The visitor joined the customer through the email: undo it from the page.
  const history = main.getByRole("list", { name: "Merge history" });
  await history.getByRole("button", { name: "Undo merge" }).click();
  await expect(page.getByText("Merge undone")).toBeVisible();
  await expect(history.getByText("undone", { exact: true })).toBeVisible();
  // The visitor's own page view went back with the visitor; the customer keeps the orders.
  await expect(timeline.getByText("Product page", { exact: true })).toHaveCount(0);
  await expect(main.getByTestId("net-ltv")).toHaveText(net);
});
