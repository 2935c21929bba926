/**
 * Group commit: calls that arrive while a commit is in flight wait for the next one and share it —
 * one statement and one fsync for many requests — so a busy endpoint commits more per second than
 * it could one request at a time, and an idle one commits each request at once. At most
 * `maxInFlight` commits run together (each on its own pooled connection); a commit takes at most
 * `maxItems` items. `commit` receives every waiting call's items, in order, and returns one result
 * per item.
 */
export interface GroupCommitter<T, R> {
  submit(items: T[]): Promise<R[]>;
  /** Waits for what is in flight. */
  drain(): Promise<void>;
}

export function createGroupCommitter<T, R>(commit: (items: T[]) => Promise<R[]>, opts: { maxInFlight?: number; maxItems?: number } = {}): GroupCommitter<T, R> {
  const maxInFlight = opts.maxInFlight ?? 3;
  const maxItems = opts.maxItems ?? 5_000;
  const waiting: { items: T[]; resolve: (r: R[]) => void; reject: (err: unknown) => void }[] = [];
  const idle: (() => void)[] = [];
  let inFlight = 0;

  function next(): void {
    while (inFlight < maxInFlight && waiting.length) {
      const group: typeof waiting = [];
      let count = 0;
      while (waiting.length && (count === 0 || count + waiting[0]!.items.length <= maxItems)) {
        const call = waiting.shift()!;
        group.push(call);
        count += call.items.length;
      }
      inFlight++;
      commit(group.flatMap((c) => c.items))
        .then(
          (results) => {
            let at = 0;
            for (const call of group) {
              call.resolve(results.slice(at, at + call.items.length));
              at += call.items.length;
            }
          },
          (err: unknown) => group.forEach((c) => c.reject(err)),
        )
        .finally(() => {
          inFlight--;
          next();
          if (inFlight === 0 && !waiting.length) idle.splice(0).forEach((f) => f());
        });
    }
  }

  return {
    submit(items) {
      if (!items.length) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        waiting.push({ items, resolve, reject });
        next();
      });
    },
    drain() {
      return inFlight === 0 && !waiting.length ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
