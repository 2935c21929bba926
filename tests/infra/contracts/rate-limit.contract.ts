import { describe, expect, it } from "vitest";
import { usePair } from "./pair";
import type { RateLimitPort } from "~/server/infra/rate-limit/port";

export function rateLimitContract(backend: string, makePort: () => RateLimitPort) {
  describe(`RateLimitPort contract (${backend})`, () => {
    const ports = usePair(makePort);

    it("allows the configured points per window, shared across instances, then says how long to wait", async () => {
      const rule = { points: 3, windowSeconds: 60 };
      expect(await ports.a.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await ports.b.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await ports.a.consume("brand:1", rule)).toMatchObject({ allowed: true, remaining: 0 });
      const refused = await ports.b.consume("brand:1", rule);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Another key has its own budget.
      expect((await ports.a.consume("brand:2", rule)).allowed).toBe(true);
    });

    it("frees points when the window passes", async () => {
      const rule = { points: 1, windowSeconds: 1 };
      expect((await ports.a.consume("ip:1", rule)).allowed).toBe(true);
      expect((await ports.a.consume("ip:1", rule)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await ports.a.consume("ip:1", rule)).allowed).toBe(true);
    });
  });
}
