import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { connectStore, createShop, expectNoSeriousA11yViolations, grantInstanceAdmin, PASSWORD, runId, signUpOwnerWithBrand } from "./helpers";

// Every page through axe-core (serious and critical violations fail), the keyboard paths axe cannot
// see (skip link, brand switcher, Load more, the mobile menu), and the error pages with their status
// codes. Set E2E_SCREENSHOT_DIR to keep a screenshot of each page checked.

async function check(page: Page, name: string) {
  await expectNoSeriousA11yViolations(page, name);
  // Reflow (WCAG 1.4.10): nothing makes the page itself scroll sideways; wide tables scroll in their own region.
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const clipped = (el: HTMLElement) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    return [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length > 0 && (!clipped(el) || /absolute|fixed/.test(getComputedStyle(el).position)))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).split(" ").slice(0, 4).join(".")} → ${Math.round(el.getBoundingClientRect().right)}px`)
      .concat(`scrollWidth ${document.documentElement.scrollWidth}px`);
  });
  expect(overflow, `page wider than the screen on ${name}`).toEqual([]);
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}-${page.viewportSize()?.width ?? 0}.png`), fullPage: true });
  }
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Brand" });

test("every page passes axe, the keyboard paths work, and the error pages answer 404 and 403", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [url, heading] of [
    ["/sign-in", "Sign in"],
    ["/sign-up", "Create your account"],
    ["/forgot-password", "Forgot your password?"],
  ] as const) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await check(page, url.slice(1));
  }

  const owner = await signUpOwnerWithBrand(page, "a11y");
  await page.goto("/brands");
  await expect(page.getByRole("heading", { level: 1, name: "Your brands" })).toBeVisible();
  await check(page, "brands");

  // The skip link is the first stop and lands in the main content.
  await page.goto(`/${owner.brand}/settings/stores`);
  await expect(page.getByRole("heading", { level: 1, name: "Stores" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  await expect(nav(page).getByRole("link", { name: "Stores" })).toHaveAttribute("aria-current", "page");
  await expect(nav(page).getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current", /.*/);

  // An unknown shop is refused on our page, with the domain to fix, not the emulator's JSON.
  const missing = `no-such-shop-${runId()}`;
  await page.getByLabel("Shop domain").fill(missing);
  await page.getByRole("button", { name: "Connect Shopify store" }).click();
  await expect(page).toHaveURL(new RegExp(`/${owner.brand}/settings/stores\\?error=`));
  await expect(page.getByText(`There is no Shopify store at ${missing}.myshopify.com`)).toBeVisible();
  await expect(page.getByLabel("Shop domain")).toHaveValue(missing);

  const { shop } = await createShop(page.request, { orders: 80 });
  await connectStore(page, shop);
  // The history sync has brought every order (and its widget has said done and gone) before the data pages are read.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("synced-counts")).toContainText(/(^|[^\d,])80 orders/, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId("sync-widget")).toBeHidden({ timeout: 30_000 });
  await check(page, "settings-stores");

  await nav(page).getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { level: 1, name: owner.brandName })).toBeVisible();
  await expect(page.getByText(/^Net of refunds \([A-Z]{3}\)$/)).toBeVisible();
  await check(page, "overview");

  // Orders: Load more keeps focus while it loads and what is shown is announced.
  await nav(page).getByRole("link", { name: "Orders" }).click();
  const orders = page.getByRole("table", { name: "Orders" });
  await expect(orders.getByRole("row").nth(1)).toBeVisible();
  await check(page, "orders");
  const loadMore = page.getByRole("button", { name: "Load more" });
  await loadMore.focus();
  await page.keyboard.press("Enter");
  await expect(orders.getByRole("row")).toHaveCount(51);
  await expect(loadMore).toBeFocused();
  await expect(page.getByTestId("live-announcer")).toHaveText("50 orders shown; more can be loaded");
  await page.keyboard.press("Enter");
  await expect(orders.getByRole("row")).toHaveCount(76);
  await page.keyboard.press("Enter");
  // The last page: the button goes, focus moves to the note that says so, not to the page body.
  await expect(page.getByText("All 80 orders shown")).toBeFocused();
  await expect(page.getByTestId("live-announcer")).toHaveText("80 orders shown");
  // A filter's result is announced too.
  await page.getByLabel("From").fill("2099-01-01");
  await expect(page.getByTestId("live-announcer")).toHaveText("0 orders shown");

  await nav(page).getByRole("link", { name: "Products" }).click();
  await expect(page.getByRole("table", { name: "Products" }).getByRole("row").nth(1)).toBeVisible();
  await check(page, "products");

  await nav(page).getByRole("link", { name: "Sync" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sync" })).toBeVisible();
  await check(page, "sync");

  // Queue health: the chart says what it shows and its numbers are a table; no focusable nameless svg.
  await nav(page).getByRole("link", { name: "Queue health" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Queue health" })).toBeVisible();
  await expect(page.getByText(/jobs completed in the last 15 minutes \(/)).toBeVisible();
  await page.getByRole("button", { name: "Show data table" }).click();
  await expect(page.getByRole("table", { name: "Jobs completed per minute and queue" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Hide data table" })).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator('[role="application"], svg[tabindex]')).toHaveCount(0);
  await check(page, "queues");

  await nav(page).getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  await check(page, "members");

  // The brand switcher only navigates when a brand is chosen: arrow keys move nothing.
  const switcher = page.getByRole("button", { name: `Brand ${owner.brandName}` });
  await switcher.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await expect(page).toHaveURL(new RegExp(`/${owner.brand}/members$`));
  await page.keyboard.press("Enter");
  await expect(switcher).toHaveAttribute("aria-expanded", "true");
  const brandList = page.getByRole("list", { name: "Switch brand" });
  await expect(brandList.getByRole("link", { name: owner.brandName })).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("Escape");
  await expect(brandList).toBeHidden();
  await expect(switcher).toBeFocused();
  await switcher.click();
  await brandList.getByRole("link", { name: "All brands / new brand…" }).click();
  await expect(page).toHaveURL(/\/brands$/);

  await grantInstanceAdmin(owner.email);
  await page.goto("/admin/mail");
  await expect(page.getByRole("heading", { level: 1, name: "Mail outbox" })).toBeVisible();
  await check(page, "admin-mail");

  // Branded error pages with their status codes and a way back.
  const unknown = await page.goto("/no/such/page");
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await check(page, "not-found");
  expect((await page.goto(`/${owner.brand}/no-such-page`))?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();

  const forbidden = await page.goto(`/brand-nobody-${runId()}/orders`);
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this brand" })).toBeVisible();
  await check(page, "forbidden");
  await page.getByRole("link", { name: "Go to your brands" }).click();
  await expect(page).toHaveURL(/\/brands$/);

  // Unknown API paths answer JSON, not the HTML page.
  const api = await page.request.get("/api/no-such-endpoint?x=1");
  expect(api.status()).toBe(404);
  expect(api.headers()["content-type"]).toContain("application/json");
  expect(await api.json()).toEqual({ error: "No API endpoint at /api/no-such-endpoint" });
  expect((await page.request.post("/api/sync/x/y/z", { data: {} })).status()).toBe(404);
});

test("a deep link survives sign-in", async ({ page }) => {
  const owner = await signUpOwnerWithBrand(page, "deeplink");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const deep = `/${owner.brand}/orders?status=paid&x=1`;
  await page.goto(deep);
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in" && url.searchParams.get("next") === deep);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.search}` === deep);
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
});

test("on a 390 px wide screen the menu opens, keeps focus, switches page and signs out", async ({ page }) => {
  // Eleven pages, each scanned by axe: about 60 s on a busy CI machine, the default limit (it took 59.7 s once).
  test.slow();
  await page.setViewportSize({ width: 390, height: 844 });
  const owner = await signUpOwnerWithBrand(page, "mobile");
  await expect(page.getByRole("heading", { level: 1, name: owner.brandName })).toBeVisible();
  // No sidebar at this width: the Menu button is the navigation.
  await expect(nav(page)).toBeHidden();
  const menuButton = page.getByRole("button", { name: "Menu" });
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await check(page, "overview-mobile");

  await menuButton.click();
  const menu = page.getByRole("dialog", { name: owner.brandName });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("button", { name: "Close menu" })).toBeFocused();
  await check(page, "menu-open");
  // Focus stays inside while it is open: backwards from the first control goes to the last, and on round.
  await page.keyboard.press("Shift+Tab");
  await expect(menu.getByRole("button", { name: "Sign out" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(menu.getByRole("button", { name: "Close menu" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();

  await menuButton.click();
  await menu.getByRole("navigation", { name: "Brand" }).getByRole("link", { name: "Orders" }).click();
  await expect(page).toHaveURL(new RegExp(`/${owner.brand}/orders$`));
  await expect(menu).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await check(page, "orders-mobile");

  // The other pages at this width, through axe too.
  await grantInstanceAdmin(owner.email);
  for (const [url, name, heading] of [
    ["/brands", "brands", "Your brands"],
    [`/${owner.brand}/settings/stores`, "settings-stores", "Stores"],
    [`/${owner.brand}/queues`, "queues", "Queue health"],
    [`/${owner.brand}/members`, "members", "Members"],
    [`/${owner.brand}/sync`, "sync", "Sync"],
    ["/admin/mail", "admin-mail", "Mail outbox"],
    ["/no/such/page", "not-found", "Page not found"],
    [`/brand-nobody-${runId()}`, "forbidden", "You don't have access to this brand"],
  ] as const) {
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await check(page, `${name}-mobile`);
  }

  await page.goto(`/${owner.brand}/orders`);
  await menuButton.click();
  await expect(menu.getByRole("link", { name: "Orders" })).toHaveAttribute("aria-current", "page");
  // The brand list inside the menu: Escape closes the list, not the menu.
  await menu.getByRole("button", { name: `Brand ${owner.brandName}` }).click();
  await expect(menu.getByRole("list", { name: "Switch brand" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu.getByRole("list", { name: "Switch brand" })).toBeHidden();
  await expect(menu).toBeVisible();
  await menu.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await check(page, "sign-in-mobile");
});

test("a 1280 px desktop zoomed to 200 % (640 CSS px) gets the menu instead of the sidebar", async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 400 });
  const owner = await signUpOwnerWithBrand(page, "zoom");
  await expect(nav(page)).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  const menu = page.getByRole("dialog", { name: owner.brandName });
  await menu.getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  await check(page, "members-zoomed");
});
