/**
 * One Admin API cost budget per shop, shared by every job of this process that talks to the shop.
 *
 * Shopify gives an app one leaky bucket of query-cost points per store (`extensions.cost`
 * reports what is left and the restore rate). Jobs that each pace themselves against their own
 * picture of the bucket — the recent sync, reconciliation, a bulk poll, a completeness check —
 * overdraw it together and throttle each other into retry storms. Here every request first
 * `acquire`s its expected cost from the shop's budget: requests are admitted in priority order
 * (an operator's check before the recent sync before reconciliation; first come first served
 * within a priority) once the bucket, as last reported and refilled since, covers them. Each
 * response corrects the picture. The budget is per process; jobs in other processes still pace
 * themselves through the THROTTLED answers that correct it.
 */

export const PRIORITY = {
  /** An operator is waiting for it (a manual completeness check). */
  interactive: 0,
  /** The history sync's bulk operations and the recent sync after connecting. */
  sync: 1,
  /** Scheduled reconciliation: yields to everything else. */
  background: 2,
} as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Waiter {
  cost: number;
  priority: Priority;
  seq: number;
  resolve: (grant: Grant) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Points reserved for one request: settle it with what Shopify reported (or release it unused). */
export interface Grant {
  settle(status: ThrottleStatus | undefined): void;
}

/**
 * Used for a query whose cost we have not seen yet: Shopify's single-query maximum, so a first call
 * never overdraws the bucket (after it, Shopify's own figure for that query is used).
 */
const FIRST_GUESS = 1_000;

export class ShopBudget {
  private available: number | null = null;
  private maximum = Infinity;
  private restoreRate = 50;
  private at = 0;
  private reserved = 0;
  private inFlight = 0;
  private seq = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** No request is admitted before this time (a 429's Retry-After). */
  private pausedUntil = 0;
  private readonly costs = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What a query costs, as Shopify last requested for it (a first guess until then). */
  expectedCost(query: string): number {
    return this.costs.get(query) ?? FIRST_GUESS;
  }

  learnCost(query: string, requested: number): void {
    this.costs.set(query, requested);
  }

  /** Points the bucket holds now, by the last report and the refill since (null: no report yet). */
  estimate(): number | null {
    if (this.available === null) return null;
    const refilled = this.available + ((this.now() - this.at) / 1000) * this.restoreRate;
    return Math.min(this.maximum, refilled) - this.reserved;
  }

  /** Waits for the turn of a request of `cost` points at `priority`, then reserves them. */
  acquire(cost: number, priority: Priority, signal?: AbortSignal): Promise<Grant> {
    signal?.throwIfAborted();
    return new Promise<Grant>((resolve, reject) => {
      const waiter: Waiter = { cost, priority, seq: this.seq++, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.waiters.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      this.pump();
    });
  }

  /** Takes a report of the bucket (from a response or a THROTTLED answer) as the new truth. */
  observe(status: ThrottleStatus): void {
    this.available = status.currentlyAvailable;
    this.maximum = status.maximumAvailable;
    this.restoreRate = status.restoreRate > 0 ? status.restoreRate : this.restoreRate;
    this.at = this.now();
  }

  /** Shopify said to wait (HTTP 429 with Retry-After, no bucket report): nobody is admitted for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Waiters not yet admitted (for tests and metrics). */
  get queued(): number {
    return this.waiters.length;
  }

  private admit(waiter: Waiter): void {
    this.waiters.shift();
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener("abort", waiter.onAbort);
    this.reserved += waiter.cost;
    this.inFlight++;
    let settled = false;
    waiter.resolve({
      settle: (status) => {
        if (settled) return;
        settled = true;
        this.reserved -= waiter.cost;
        this.inFlight--;
        if (status) this.observe(status);
        this.pump();
      },
    });
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (;;) {
      const head = this.waiters[0];
      if (!head) return;
      const paused = this.pausedUntil - this.now();
      if (paused > 0) {
        this.wakeIn(paused);
        return;
      }
      const estimate = this.estimate();
      if (estimate === null) {
        // Nothing known yet: one request at a time until Shopify reports the bucket.
        if (this.inFlight > 0) return;
        this.admit(head);
        continue;
      }
      // A request larger than the whole bucket can never be covered: let it try when the bucket is full.
      const needed = Math.min(head.cost, this.maximum);
      if (estimate >= needed) {
        this.admit(head);
        continue;
      }
      // Strict priority: nobody passes the head; wake when the refill covers it.
      this.wakeIn(Math.ceil(((needed - estimate) / this.restoreRate) * 1000));
      return;
    }
  }

  private wakeIn(ms: number): void {
    this.timer = setTimeout(() => this.pump(), Math.max(10, ms));
    this.timer.unref?.();
  }
}

const budgets = new Map<string, ShopBudget>();

/** The budget of a shop (per app: this process only ever acts as one app). */
export function shopBudget(shopDomain: string): ShopBudget {
  let budget = budgets.get(shopDomain);
  if (!budget) {
    budget = new ShopBudget();
    budgets.set(shopDomain, budget);
  }
  return budget;
}
