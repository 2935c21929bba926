import { type APIRequestContext, expect, test } from "@playwright/test";
import { connectStore, createShop, EMULATOR, signUpOwnerWithBrand } from "./helpers";

interface Truth {
  counts: { orders: number; customers: number; products: number };
  money: Record<string, { orders: number; total: string; refunded: string; net: string }>;
}

const money = (amount: string, currency: string) => new Intl.NumberFormat("en", { style: "currency", currency, maximumFractionDigits: 2 }).format(Number(amount));

/** The emulator's hold on a shop's bulk exports (control API): an export stops after its first batch until released. */
const hold = (request: APIRequestContext, shop: string, method: "put" | "delete", body?: object) =>
  request[method](`${EMULATOR}/_emulator/shops/${shop}/hold`, body ? { data: body } : {});

test("connecting a store syncs its whole history live: the widget runs to done, and the Overview shows the shop's orders and net revenue", async ({ page }) => {
  const owner = await signUpOwnerWithBrand(page);
  const { shop } = await createShop(page.request);
  await page.goto(`/${owner.brand}/settings/stores`);
  // The exports are held mid-way, so the sync is surely still running when the app is back.
  expect((await hold(page.request, shop, "put", { bulkAfterObjects: 1 })).ok()).toBe(true);
  try {
    await connectStore(page, shop);

    // Back in the app: the progress widget is there while the history sync runs, and moves once released.
    const widget = page.getByTestId("sync-widget");
    await expect(widget).toHaveAttribute("data-state", "running");
    const waited = await page.request.post(`${EMULATOR}/_emulator/shops/${shop}/hold/wait`, { data: { bulk: 1 } });
    expect(waited.ok()).toBe(true);
    await expect(widget).toHaveAttribute("data-state", "running");
    const bar = widget.getByRole("progressbar");
    const first = Number(await bar.getAttribute("aria-valuenow"));
    expect(first).toBeLessThan(100);
    expect((await hold(page.request, shop, "delete")).ok()).toBe(true);
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 30_000 }).toBeGreaterThan(first);
  } finally {
    await hold(page.request, shop, "delete");
  }
  const widget = page.getByTestId("sync-widget");
  await expect(widget).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(widget).toContainText("History synced");
  // …and hides by itself a few seconds later.
  await expect(widget).toBeHidden({ timeout: 15_000 });

  // The Overview, all time, shows exactly the shop's orders and net revenue, per currency.
  const truth = (await (await page.request.get(`${EMULATOR}/_emulator/shops/${shop}/truth`)).json()) as Truth;
  const currencies = Object.entries(truth.money).sort(([, a], [, b]) => b.orders - a.orders);
  const [mainCurrency, main] = currencies[0]!;
  await page.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Overview" }).click();
  await page.getByRole("group", { name: "Period" }).getByRole("button", { name: "All time" }).click();
  const content = page.getByRole("main");
  await expect(content.getByText(`Orders in ${mainCurrency}`, { exact: true }).locator("..")).toContainText(main.orders.toLocaleString("en"));
  await expect(content.getByText(`Net of refunds (${mainCurrency})`, { exact: true }).locator("..")).toContainText(money(main.net, mainCurrency));
  for (const [currency, m] of currencies.slice(1)) {
    const row = content.getByRole("list", { name: "Sales per currency" }).getByRole("listitem").filter({ hasText: currency });
    await expect(row).toContainText(`${m.orders.toLocaleString("en")} orders`);
    await expect(row).toContainText(`${money(m.net, currency)} net`);
  }

  // The Sync page: every step done, and the completeness check agrees with the shop.
  await page.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Sync" }).click();
  for (const entity of ["orders", "customers", "products"]) await expect(page.getByTestId(`sync-step-${entity}`)).toHaveAttribute("data-phase", "done");
  const complete = page.getByRole("status").filter({ hasText: "Complete" });
  await expect(complete).toContainText("The counts of orders, customers and products match the shop's own, and the money of every order in the history export matches to the cent.", { timeout: 20_000 });
  await expect(page.getByTestId("completeness-counts")).toContainText(truth.counts.orders.toLocaleString("en"));
});
