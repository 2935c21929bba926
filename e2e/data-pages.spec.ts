import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { connectStore, countNavigations, createShop, EMULATOR, signUpOwnerWithBrand } from "./helpers";

interface Truth {
  counts: { orders: number; customers: number; products: number };
  money: Record<string, { orders: number; total: string; refunded: string; net: string }>;
}

const SHOTS = process.env.E2E_SCREENSHOTS;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

async function truthOf(request: APIRequestContext, shop: string): Promise<Truth> {
  return (await (await request.get(`${EMULATOR}/_emulator/shops/${shop}/truth`)).json()) as Truth;
}

/** A brand with a freshly connected shop, once the app holds every order, customer and product of it (the sync status says so). */
async function brandWithSyncedShop(page: Page, orders = 400) {
  const owner = await signUpOwnerWithBrand(page);
  const { shop } = await createShop(page.request, { orders });
  await page.goto(`/${owner.brand}/settings/stores`);
  await connectStore(page, shop);
  const { orders: o, customers: c, products: p } = (await truthOf(page.request, shop)).counts;
  const counts = { orders: o, customers: c, products: p };
  await expect
    .poll(async () => ((await (await page.request.get(`/api/sync/${owner.brand}/status`)).json()) as { stores: { counts: Truth["counts"] }[] }).stores[0]?.counts, { timeout: 90_000 })
    .toEqual(counts);
  return { owner, shop };
}

test("Overview: every figure says its currency, days are the shop's (its time zone shown), the period and currency stay in the URL", async ({ page }) => {
  const { owner, shop } = await brandWithSyncedShop(page);
  // A second store whose shop currency is EUR: the brand's money is in two currencies, never added together.
  const { shop: euroShop } = await createShop(page.request, { orders: 150, currencies: ["EUR", "USD"] });
  await page.goto(`/${owner.brand}/settings/stores`);
  await connectStore(page, euroShop);
  const euroTruth = await truthOf(page.request, euroShop);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/sync/${owner.brand}/status`)).json()) as { stores: { shop: string; counts: Truth["counts"] }[] }).stores.find((s) => s.shop.startsWith(euroShop))?.counts.orders, { timeout: 90_000 })
    .toBe(euroTruth.counts.orders);
  const truth = await truthOf(page.request, shop);
  // One shop currency per shop: the first store's is USD, the second's EUR.
  expect(Object.keys(truth.money)).toEqual(["USD"]);
  expect(Object.keys(euroTruth.money)).toEqual(["EUR"]);
  const main = "USD";
  const m = truth.money.USD!;
  const all = m.orders + euroTruth.money.EUR!.orders;

  await page.goto(`/${owner.brand}`);
  await page.getByRole("group", { name: "Period" }).getByRole("button", { name: "All time" }).click();
  await expect(page).toHaveURL(/\?period=all$/);
  const content = page.getByRole("main");
  await expect(content.getByTestId("time-zone").first()).toContainText("America/New_York");
  await expect(content.getByText(`Orders in ${main}`, { exact: true }).locator("..")).toContainText(m.orders.toLocaleString("en"));
  await expect(content.getByText(`Gross revenue (${main})`, { exact: true })).toBeVisible();
  // Two years of history read by week (about a hundred bars, not 730 spikes); the first and the
  // current week are only partly in the period and are drawn pale.
  await expect(content.getByRole("heading", { name: `Revenue per week (${main})` })).toBeVisible();
  await expect(content.getByTestId("revenue-chart")).toHaveAttribute("data-grain", "week");
  await expect(content.getByRole("figure", { name: /^Revenue per week in USD/ })).toContainText("Pale bars are weeks only partly in the period");
  // All time has no "before": the repeat-customer rate instead of a "Returning 0".
  await expect(content.getByText("Repeat rate", { exact: true }).locator("..")).toContainText("%");
  await expect(content.getByText("Returning", { exact: true })).toHaveCount(0);
  // Orders in the other currency are counted, never added into the main currency's money; the switch shows them.
  await expect(content.getByText(`${all.toLocaleString("en")} orders in all currencies`)).toBeVisible();
  await page.getByRole("group", { name: "Currency" }).getByRole("button", { name: "EUR" }).click();
  await expect(page).toHaveURL(/currency=EUR/);
  await expect(content.getByText("Orders in EUR", { exact: true }).locator("..")).toContainText(euroTruth.money.EUR!.orders.toLocaleString("en"));
  await shot(page, "overview");
  // A reload (or a shared link) shows the same view.
  await page.reload();
  await expect(page.getByRole("group", { name: "Period" }).getByRole("button", { name: "All time" })).toHaveAttribute("aria-pressed", "true");
  await expect(content.getByText("Orders in EUR", { exact: true })).toBeVisible();
  await page.getByRole("group", { name: "Period" }).getByRole("button", { name: "7 days" }).click();
  await expect(content.getByText("Returning", { exact: true })).toBeVisible();
  await expect(content.getByRole("heading", { name: "Revenue per day (EUR)" })).toBeVisible();
  await expect(content.getByTestId("revenue-chart")).toHaveAttribute("data-buckets", "7");
  if (SHOTS) {
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "overview-390");
    await page.goto(`/${owner.brand}/orders`);
    await expect(page.getByTestId("orders-total")).toBeVisible();
    await shot(page, "orders-390");
  }
});

test("Orders: a new order sent by webhook appears without a reload; search, the cancelled filter and the URL survive a reload; the order page", async ({ page }) => {
  const { owner, shop } = await brandWithSyncedShop(page, 300);
  const truth = await truthOf(page.request, shop);
  await page.goto(`/${owner.brand}/orders`);
  const loads = countNavigations(page);
  const total = page.getByTestId("orders-total");
  await expect(total).toContainText(`${truth.counts.orders.toLocaleString("en")} orders in all`);
  await expect(page.getByTestId("time-zone")).toHaveText("Times in America/New_York");
  await shot(page, "orders");

  // The shop takes an order: Shopify sends orders/create to the app, and the open page shows it.
  const products = (await (await page.request.get(`${EMULATOR}/_emulator/shops/${shop}/truth/products`)).text()).trim().split("\n");
  const variantId = (JSON.parse(products[0]!) as { variants: { id: number }[] }).variants[0]!.id;
  const email = `live-${Date.now()}@example.test`;
  const created = await page.request.post(`${EMULATOR}/_emulator/shops/${shop}/orders`, { data: { email, lineItems: [{ variantId, quantity: 2 }] } });
  expect(created.status(), await created.text()).toBe(201);
  const order = (await created.json()) as { id: number; name: string };
  const table = page.getByRole("table", { name: "Orders" });
  await expect(table.getByRole("row").nth(1)).toContainText(order.name, { timeout: 20_000 });
  await expect(total).toContainText(`${(truth.counts.orders + 1).toLocaleString("en")} orders in all`);
  expect(loads()).toBe(0);

  // Search by email (the start is enough), then by the order's name.
  await page.getByLabel("Search").fill(email.slice(0, 12));
  await expect(total).toContainText("1 order matches these filters");
  await expect(page).toHaveURL(/q=live-/);
  await page.getByLabel("Search").fill(order.name.replace("#", ""));
  await expect(page).toHaveURL(new RegExp(`q=${order.name.replace("#", "")}`));
  await expect(table.getByRole("row").nth(1)).toContainText(order.name);
  await page.reload();
  await expect(page.getByLabel("Search")).toHaveValue(order.name.replace("#", ""));
  await expect(table.getByRole("row").nth(1)).toContainText(order.name);

  // Cancelled in the shop: the filter finds it (live again), and keeps it across a reload.
  await page.getByLabel("Search").fill("");
  await expect(page).not.toHaveURL(/q=/);
  await page.getByLabel("Cancelled").selectOption("only");
  await expect(page).toHaveURL(/cancelled=only/);
  const cancelled = await page.request.post(`${EMULATOR}/_emulator/shops/${shop}/orders/${order.id}/cancel`, { data: {} });
  expect(cancelled.ok(), await cancelled.text()).toBe(true);
  await expect(table.getByRole("row").filter({ hasText: order.name })).toContainText("cancelled", { timeout: 20_000 });
  await page.reload();
  await expect(page.getByLabel("Cancelled")).toHaveValue("only");
  await expect(table.getByRole("row").filter({ hasText: order.name })).toBeVisible();
  await shot(page, "orders-cancelled");

  // The order page: its lines, customer and timeline.
  await table.getByRole("link", { name: order.name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order ${order.name}`);
  await expect(page.getByRole("table", { name: "Items" }).getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("Placed");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("Cancelled");
  await expect(page.getByText(email).first()).toBeVisible();
  await shot(page, "order");
  // Back to the list, with its filter.
  await page.goBack();
  await expect(page.getByLabel("Cancelled")).toHaveValue("only");
  // Another brand's (or no) order: a clear not-found.
  await page.goto(`/${owner.brand}/orders/00000000-0000-4000-8000-000000000000`);
  await expect(page.getByText("Order not found")).toBeVisible();
});

test("Products: search and sort, kept in the URL", async ({ page }) => {
  const { owner, shop } = await brandWithSyncedShop(page, 300);
  const lines = (await (await page.request.get(`${EMULATOR}/_emulator/shops/${shop}/truth/products`)).text()).trim().split("\n");
  const products = lines.map((l) => JSON.parse(l) as { title: string; vendor: string; variants: { price: string }[] });
  await page.goto(`/${owner.brand}/products`);
  await expect(page.getByTestId("products-total")).toHaveText(`${products.length.toLocaleString("en")} products`);
  const table = page.getByRole("table", { name: "Products" });

  await page.getByLabel("Sort by").selectOption("price-desc");
  await expect(page).toHaveURL(/sort=price-desc/);
  const priciest = [...products].sort((a, b) => Math.max(...b.variants.map((v) => Number(v.price))) - Math.max(...a.variants.map((v) => Number(v.price))))[0]!;
  const top = Math.max(...priciest.variants.map((v) => Number(v.price)));
  await expect(table.getByRole("row").nth(1)).toContainText(new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(top));

  const word = products[0]!.title.split(" ")[0]!;
  const matching = products.filter((p) => `${p.title}\n${p.vendor}`.toLowerCase().includes(word.toLowerCase()));
  await page.getByLabel("Search").fill(word);
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByTestId("products-total")).toHaveText(`${matching.length.toLocaleString("en")} ${matching.length === 1 ? "product matches" : "products match"} “${word}”`);
  await shot(page, "products");
  await page.reload();
  await expect(page.getByLabel("Search")).toHaveValue(word);
  await expect(page.getByLabel("Sort by")).toHaveValue("price-desc");
  await expect(table.getByRole("row").nth(1)).toContainText(word, { ignoreCase: true });
});
