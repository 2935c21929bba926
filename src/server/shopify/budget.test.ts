import { describe, expect, it } from "vitest";
import { PRIORITY, ShopBudget } from "./budget";

const status = (currentlyAvailable: number, maximumAvailable = 1000, restoreRate = 50) => ({ currentlyAvailable, maximumAvailable, restoreRate });

describe("a shop's shared Admin API budget", () => {
  it("admits one request at a time until Shopify has reported the bucket", async () => {
    const budget = new ShopBudget();
    const first = await budget.acquire(100, PRIORITY.sync);
    let second = false;
    const pending = budget.acquire(100, PRIORITY.sync).then((g) => ((second = true), g));
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBe(false);
    first.settle(status(900));
    (await pending).settle(status(800));
    expect(second).toBe(true);
  });

  it("serves an operator's check before the recent sync before reconciliation when the bucket is short", async () => {
    let now = 0;
    const budget = new ShopBudget(() => now);
    budget.observe(status(0, 1000, 1000));
    const order: string[] = [];
    const ask = (label: string, priority: (typeof PRIORITY)[keyof typeof PRIORITY]) =>
      budget.acquire(100, priority).then((g) => {
        order.push(label);
        g.settle(undefined);
      });
    const all = Promise.all([ask("reconcile", PRIORITY.background), ask("recent", PRIORITY.sync), ask("check", PRIORITY.interactive), ask("recent 2", PRIORITY.sync)]);
    expect(budget.queued).toBe(4);
    now = 1_000; // a second later the bucket holds 1,000 points: every request fits, served in priority order
    await all;
    expect(order).toEqual(["check", "recent", "recent 2", "reconcile"]);
  });

  it("keeps reserved points out of the estimate until the response corrects it", async () => {
    const now = 0; // the clock stands still: only reports move the estimate
    const budget = new ShopBudget(() => now);
    budget.observe(status(300, 1000, 50));
    const a = await budget.acquire(200, PRIORITY.sync);
    expect(budget.estimate()).toBe(100);
    let admitted = false;
    const b = budget.acquire(200, PRIORITY.sync).then((g) => ((admitted = true), g));
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(false); // 100 points short: 2 s of refill at 50/s
    // Shopify charged less than requested: the report frees the points at once.
    a.settle(status(250, 1000, 50));
    (await b).settle(status(50, 1000, 50));
    expect(admitted).toBe(true);
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const budget = new ShopBudget();
    budget.observe(status(0, 1000, 0.001));
    const controller = new AbortController();
    const pending = budget.acquire(500, PRIORITY.background, controller.signal);
    controller.abort(new Error("job cancelled"));
    await expect(pending).rejects.toThrow("job cancelled");
    expect(budget.queued).toBe(0);
  });

  it("admits nobody while Shopify said to wait (a 429's Retry-After)", async () => {
    const budget = new ShopBudget();
    budget.observe(status(1000));
    budget.pause(150);
    const started = Date.now();
    (await budget.acquire(10, PRIORITY.interactive)).settle(undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
