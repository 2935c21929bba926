/**
 * Shopify's search syntax, the part the product uses: `updated_at:>'2024-05-01T00:00:00Z'`,
 * `created_at:<=2024-05-01`, `id:>123`, joined by spaces or AND. Other terms are ignored, as
 * Shopify ignores filters it does not know for a resource.
 */

export interface Range {
  from: number;
  to: number;
}

export interface SearchFilter {
  createdAt: Range | null;
  updatedAt: Range | null;
  id: Range | null;
}

const TERM = /([a-z_]+):(>=|<=|>|<|=)?\s*('([^']*)'|"([^"]*)"|(\S+))/g;

function narrow(range: Range | null, op: string, value: number, step: number): Range {
  const r = range ?? { from: -Infinity, to: Infinity };
  switch (op) {
    case ">":
      return { from: Math.max(r.from, value + step), to: r.to };
    case ">=":
      return { from: Math.max(r.from, value), to: r.to };
    case "<":
      return { from: r.from, to: Math.min(r.to, value) };
    case "<=":
      return { from: r.from, to: Math.min(r.to, value + step) };
    default:
      return { from: Math.max(r.from, value), to: Math.min(r.to, value + step) };
  }
}

export function parseSearch(query: string | null | undefined): SearchFilter {
  const filter: SearchFilter = { createdAt: null, updatedAt: null, id: null };
  if (!query) return filter;
  for (const match of query.matchAll(TERM)) {
    const field = match[1]!;
    const op = match[2] ?? "=";
    const raw = match[4] ?? match[5] ?? match[6] ?? "";
    if (field === "created_at" || field === "updated_at" || field === "processed_at") {
      const ms = Date.parse(raw);
      if (Number.isNaN(ms)) continue;
      // Timestamps have second precision; a bare date covers the whole day for "=".
      const step = /^\d{4}-\d{2}-\d{2}$/.test(raw) && op === "=" ? 86_400_000 : 1000;
      if (field === "updated_at") filter.updatedAt = narrow(filter.updatedAt, op, ms, step);
      else filter.createdAt = narrow(filter.createdAt, op, ms, step);
    } else if (field === "id") {
      const id = Number(raw);
      if (Number.isFinite(id)) filter.id = narrow(filter.id, op, id, 1);
    }
  }
  return filter;
}

export function inRange(range: Range | null, value: number): boolean {
  return !range || (value >= range.from && value < range.to);
}
