import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import postgres from "postgres";
import { DESKTOP_UA, E2E_DATABASE_URL, ROOT, RUN_DIR, SERVER_ENV } from "./env";
import { connectStore, countNavigations, freePort, runId, signUpOwnerWithBrand } from "./helpers";

const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** A database of this spec's own, dropped first: `npm start` creates and migrates it. */
async function freshDatabase(): Promise<string> {
  const url = new URL(E2E_DATABASE_URL);
  url.pathname = `${url.pathname}_pg`;
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists "${url.pathname.slice(1)}" with (force)`).finally(() => sql.end());
  return url.toString();
}

/**
 * A second whole product, started as `npm start` starts it but with no REDIS_URL: Postgres mode
 * (pg-boss queues, LISTEN/NOTIFY live updates), with a database, a demo emulator and worker
 * processes of its own. It writes its output to a log in the run's folder, which the end-of-run scan reads.
 */
async function startPostgresModeProduct(): Promise<{ url: string; emulator: string; stop: () => Promise<void> }> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const { REDIS_URL: _redis, BRANDBASE_LOG_FILE: _log, ...env } = SERVER_ENV;
  const url = `http://localhost:${port}`;
  const logFile = path.join(RUN_DIR, `web-${port}.log`);
  const child: ChildProcess = spawn(process.execPath, [TSX, "scripts/start.ts"], {
    cwd: ROOT,
    env: { ...withoutRedis(process.env), ...env, PORT: String(port), APP_URL: url, DATABASE_URL: await freshDatabase(), QUEUE_PREFIX: `e2e-pg-${runId()}`, SHOPIFY_EMULATOR_PORT: String(emulatorPort), BRANDBASE_LOG_FILE: logFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Brandbase is starting at")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`npm start (Postgres mode) exited with ${code}:\n${output}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await ready;
  expect(output).toContain("Redis: none (Postgres mode");
  // The banner comes as the processes start; the web process answers a little later.
  await expect.poll(() => fetch(`${url}/api/health`).then((r) => r.status, () => 0), { timeout: 120_000 }).toBe(200);
  return {
    url,
    emulator: `http://127.0.0.1:${emulatorPort}`,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function withoutRedis(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _redis, ...rest } = env;
  return rest;
}

async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, userAgent: DESKTOP_UA });
  return context.newPage();
}

test.describe("Postgres mode: the whole product with no Redis", () => {
  let product: Awaited<ReturnType<typeof startPostgresModeProduct>>;

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    product = await startPostgresModeProduct();
  });
  test.afterAll(async () => product?.stop());

  test("the queue-health page and the sync's progress widget update live, without Redis", async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await newPage(browser, product.url);
    const owner = await signUpOwnerWithBrand(page);

    // The queue-health page, open in a second tab, says which backend runs and follows the sync's jobs live.
    const queues = await page.context().newPage();
    await queues.goto(`/${owner.brand}/queues`);
    await expect(queues.getByText("Live", { exact: true })).toBeVisible();
    await expect(queues.getByTestId("queue-backend")).toHaveText("Postgres mode");
    const loads = countNavigations(queues);
    const completed = queues.locator('tr[data-queue="sync"] td[data-count="completed"]');
    await expect(completed).toHaveText("0");

    // A store in this product's own emulator, connected through OAuth: its history syncs while the
    // widget follows it. The exports are held mid-way (the emulator's hold), so the sync is surely
    // still running when the app is back, and then moves live once released.
    const shop = `shop-${runId()}`;
    const created = await page.request.post(`${product.emulator}/_emulator/shops`, { data: { domain: shop, orders: 1500, seed: 7 } });
    expect(created.status(), await created.text()).toBe(201);
    const hold = (method: "put" | "delete", body?: object) => page.request[method](`${product.emulator}/_emulator/shops/${shop}/hold`, body ? { data: body } : {});
    expect((await hold("put", { bulkAfterObjects: 1 })).ok()).toBe(true);
    await page.goto(`/${owner.brand}/settings/stores`);
    try {
      await connectStore(page, shop);
      const widget = page.getByTestId("sync-widget");
      await expect(widget).toHaveAttribute("data-state", "running");
      expect((await page.request.post(`${product.emulator}/_emulator/shops/${shop}/hold/wait`, { data: { bulk: 1 } })).ok()).toBe(true);
      const bar = widget.getByRole("progressbar");
      const first = Number(await bar.getAttribute("aria-valuenow"));
      expect(first).toBeLessThan(100);
      expect((await hold("delete")).ok()).toBe(true);
      await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 30_000 }).toBeGreaterThan(first);
      await expect(widget).toHaveAttribute("data-state", "done", { timeout: 60_000 });
      await expect(widget).toContainText("History synced");
    } finally {
      await hold("delete");
    }

    // The sync's jobs completed on Postgres, and the queue page counted them without a reload.
    await expect.poll(async () => Number(await completed.textContent()), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    expect(loads()).toBe(0);
    await queues.screenshot({ path: path.join(ROOT, "test-results", "postgres-mode-queues.png"), fullPage: true });
  });
});
