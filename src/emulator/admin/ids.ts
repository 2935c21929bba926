/**
 * Decimal text of an id. Our ids are ~5e12, beyond small-integer range, where V8's number-to-string
 * is slow; two small halves convert fast (bulk exports format millions of ids).
 */
function idText(id: number): string {
  if (id < 1e9) return String(id);
  const hi = Math.floor(id / 1e9);
  const lo = id - hi * 1e9;
  return `${hi}${lo < 1e8 ? String(lo).padStart(9, "0") : lo}`;
}

/** Shopify global ids: gid://shopify/{Type}/{id}. */
export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${typeof id === "number" ? idText(id) : id}`;
}

export function parseGid(value: string): { type: string; id: number } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  return match ? { type: match[1]!, id: Number(match[2]) } : null;
}

export function encodeCursor(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

export function decodeCursor<T>(cursor: string): T | null {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}
