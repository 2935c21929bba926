import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RateLimitPort } from "~/server/infra/rate-limit/port";

export function rateLimitContract(backend: string, makePort: () => RateLimitPort) {
  describe(`RateLimitPort contract (${backend})`, () => {
    let a: RateLimitPort;
    let b: RateLimitPort;
    beforeEach(() => {
      a = makePort();
      b = makePort();
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it("allows the configured points per window, shared across instances, then says how long to wait", async () => {
      const rule = { points: 3, windowSeconds: 60 };
      expect(await a.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await b.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await a.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 0 });
      const refused = await b.consume("brand:1", rule);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Another key has its own budget.
      expect((await a.consume("brand:2", rule)).allowed).toBe(true);
    });

    it("frees points when the window passes", async () => {
      const rule = { points: 1, windowSeconds: 1 };
      expect((await a.consume("ip:1", rule)).allowed).toBe(true);
      expect((await a.consume("ip:1", rule)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await a.consume("ip:1", rule)).allowed).toBe(true);
    });
  });
}
