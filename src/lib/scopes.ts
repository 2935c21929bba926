/** "read_orders" → "View orders", "write_customers" → "View and edit customers", as Shopify's consent screen words them. */
export function scopeLabel(scope: string): string {
  const match = /^(?:unauthenticated_)?(read|write)_([a-z_]+)$/.exec(scope.trim());
  if (!match) return scope.trim();
  const resource = match[2]!.replace(/_/g, " ");
  return match[1] === "write" ? `View and edit ${resource}` : `View ${resource}`;
}

/**
 * A store's granted scopes (Shopify's comma-separated list) by name, one entry per resource: a write
 * scope implies its read scope, so "read_customers,write_customers" is just "View and edit customers".
 */
export function scopeLabels(scopes: string | null | undefined): string[] {
  const list = (scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const written = new Set(list.filter((s) => s.startsWith("write_")).map((s) => s.slice("write_".length)));
  return [...new Set(list.filter((s) => !(s.startsWith("read_") && written.has(s.slice("read_".length)))).map(scopeLabel))];
}
