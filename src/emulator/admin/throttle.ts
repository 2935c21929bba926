import type { Bucket, EmulatorLimits } from "../state";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** A leaky bucket per shop and app: `restoreRate` points a second refill it up to `bucketSize`. */
export class CostBucket {
  constructor(
    private readonly bucket: Bucket,
    private readonly limits: EmulatorLimits,
    private readonly now: () => number,
  ) {}

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.bucket.updatedAt) / 1000;
    this.bucket.available = Math.min(this.limits.bucketSize, this.bucket.available + elapsed * this.limits.restoreRate);
    this.bucket.updatedAt = t;
  }

  /** Takes `cost` points if they are there. */
  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.bucket.available) return false;
    this.bucket.available -= cost;
    return true;
  }

  /** Gives back what was reserved but not used (requested minus actual). */
  refund(points: number): void {
    this.refill();
    this.bucket.available = Math.min(this.limits.bucketSize, this.bucket.available + Math.max(0, points));
  }

  /** Seconds until `cost` points are available. */
  secondsUntil(cost: number): number {
    this.refill();
    return Math.max(0, (cost - this.bucket.available) / this.limits.restoreRate);
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.limits.bucketSize,
      // Refills are fractional: a sum a hair under a whole point in binary (0.99999999999999) is that point.
      currentlyAvailable: Math.floor(this.bucket.available + 1e-9),
      restoreRate: this.limits.restoreRate,
    };
  }
}
