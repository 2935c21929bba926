import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitResult, RateLimitRule } from "./port";

/** rate-limiter-flexible's answer (a refusal is thrown as its result) → the port's. */
export async function consumeFrom(limiter: RateLimiterAbstract, key: string, points: number): Promise<RateLimitResult> {
  try {
    const res = await limiter.consume(key, points);
    return { allowed: true, remaining: res.remainingPoints, retryAfterMs: 0 };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, remaining: err.remainingPoints, retryAfterMs: err.msBeforeNext };
    throw err;
  }
}

/** One limiter per distinct rule, made on first use (both adapters keep them this way). */
export function limitersByRule<L>(make: (rule: RateLimitRule, id: string) => L): (rule: RateLimitRule) => L {
  const limiters = new Map<string, L>();
  return (rule) => {
    const id = `${rule.points}/${rule.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) limiters.set(id, (limiter = make(rule, id)));
    return limiter;
  };
}
