import { afterEach, beforeEach } from "vitest";

/** Two instances of a port per test, as two processes would hold them; closed after each test. */
export function usePair<T extends { close(): Promise<void> }>(make: () => T): { a: T; b: T } {
  const pair = {} as { a: T; b: T };
  beforeEach(() => {
    pair.a = make();
    pair.b = make();
  });
  afterEach(async () => {
    await pair.a.close();
    await pair.b.close();
  });
  return pair;
}
