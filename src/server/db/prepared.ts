/**
 * Queries built once per database handle. Drizzle turns a query builder into SQL text on every
 * call (~0.3 ms here, more than the round trip of a primary-key lookup); a prepared query with
 * placeholders skips that. For the checks every request pays (membership, a child's brand).
 * Keyed by the handle, so a transaction's queries run on the transaction (built for it, once).
 */
const byHandle = new WeakMap<object, Map<string, unknown>>();

export function preparedFor<T>(handle: object, name: string, build: () => T): T {
  let queries = byHandle.get(handle);
  if (!queries) byHandle.set(handle, (queries = new Map()));
  let query = queries.get(name) as T | undefined;
  if (query === undefined) queries.set(name, (query = build()));
  return query;
}
