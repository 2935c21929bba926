import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CachePort } from "~/server/infra/cache/port";

export function cacheContract(backend: string, makePort: () => CachePort) {
  describe(`CachePort contract (${backend})`, () => {
    let cache: CachePort;
    beforeEach(() => {
      cache = makePort();
    });
    afterEach(() => cache.close());

    it("stores JSON values and reports misses as undefined", async () => {
      expect(await cache.get("c360:1")).toBeUndefined();
      await cache.set("c360:1", { ltv: "120.50", orders: 3 }, 60);
      expect(await cache.get("c360:1")).toEqual({ ltv: "120.50", orders: 3 });
      await cache.delete("c360:1");
      expect(await cache.get("c360:1")).toBeUndefined();
    });

    it("expires values after their TTL", async () => {
      await cache.set("short", 1, 1);
      expect(await cache.get("short")).toBe(1);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await cache.get("short")).toBeUndefined();
    });

    it("deletes a whole prefix and nothing else", async () => {
      await cache.set("brand:a:c1", 1, 60);
      await cache.set("brand:a:c2", 2, 60);
      await cache.set("brand:b:c1", 3, 60);
      expect(await cache.deletePrefix("brand:a:")).toBe(2);
      expect(await cache.get("brand:a:c1")).toBeUndefined();
      expect(await cache.get("brand:b:c1")).toBe(3);
    });
  });
}
