import { describe, expect, it } from "vitest";
import { usePair } from "./pair";
import { LockTimeoutError, type LockPort } from "~/server/infra/lock/port";

export function lockContract(backend: string, makePort: () => LockPort) {
  describe(`LockPort contract (${backend})`, () => {
    const ports = usePair(makePort);

    it("gives the lock to one holder at a time", async () => {
      const held = await ports.a.tryAcquire("merge:p1", 5_000);
      expect(held).not.toBeNull();
      expect(await ports.b.tryAcquire("merge:p1", 5_000)).toBeNull();
      await held!.release();
      const next = await ports.b.tryAcquire("merge:p1", 5_000);
      expect(next).not.toBeNull();
      await next!.release();
    });

    it("lets a lease expire so a crashed holder never blocks forever, and the old holder cannot release the new lock", async () => {
      const stale = await ports.a.tryAcquire("merge:p2", 100);
      await new Promise((r) => setTimeout(r, 150));
      const fresh = await ports.b.tryAcquire("merge:p2", 5_000);
      expect(fresh).not.toBeNull();
      await stale!.release();
      expect(await ports.a.tryAcquire("merge:p2", 5_000)).toBeNull();
      expect(await stale!.extend(5_000)).toBe(false);
      expect(await fresh!.extend(5_000)).toBe(true);
      await fresh!.release();
    });

    it("serialises concurrent withLock sections", async () => {
      const order: string[] = [];
      const section = (port: LockPort, name: string) =>
        port.withLock("merge:p3", { ttlMs: 5_000, waitMs: 5_000 }, async () => {
          order.push(`${name}:in`);
          await new Promise((r) => setTimeout(r, 50));
          order.push(`${name}:out`);
        });
      await Promise.all([section(ports.a, "a"), section(ports.b, "b")]);
      expect([order.slice(0, 2), order.slice(2)].map((pair) => pair[0]!.split(":")[0] === pair[1]!.split(":")[0])).toEqual([true, true]);
    });

    it("gives up with LockTimeoutError after waitMs", async () => {
      const held = await ports.a.tryAcquire("merge:p4", 5_000);
      await expect(ports.b.withLock("merge:p4", { ttlMs: 1_000, waitMs: 100 }, async () => "never")).rejects.toBeInstanceOf(LockTimeoutError);
      await held!.release();
    });
  });
}
