/**
 * Decimal text of an id. Our ids are ~5e12, beyond small-integer range, where V8's number-to-string
 * is slow; two small halves convert fast (bulk exports format millions of ids).
 */
function smallIdText(id: number): string {
  if (id < 1e9) return String(id);
  const hi = Math.floor(id / 1e9);
  const lo = id - hi * 1e9;
  return `${hi}${lo < 1e8 ? String(lo).padStart(9, "0") : lo}`;
}

/**
 * A shop with `bigIds` shows its records' ids with 18 digits, as Shopify's own samples and test
 * notifications do (beyond 2^53, so a client that parses them as JSON numbers rounds them): an 8,
 * then the record's id zero-padded to 17 digits (5000000000001 → 800005000000000001).
 */
const BIG_PREFIX = "8";
const BIG_DIGITS = 18;

/** The id as the shop shows it. */
export function idText(id: number, big = false): string {
  return big ? BIG_PREFIX + smallIdText(id).padStart(BIG_DIGITS - 1, "0") : smallIdText(id);
}

/** An id as the shop shows it, back to the record's: either form is accepted. */
export function recordId(digits: string): number {
  return digits.length === BIG_DIGITS && digits.startsWith(BIG_PREFIX) ? Number(digits.slice(1)) : Number(digits);
}

const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

/** An id for a REST body: a JSON number, written digit for digit by JSON.stringify even when beyond 2^53. */
export function jsonId(id: number, big = false): number {
  return big ? (rawJson(idText(id, true)) as number) : id;
}

/** Shopify global ids: gid://shopify/{Type}/{id}. */
export function gid(type: string, id: number | string, big = false): string {
  return `gid://shopify/${type}/${typeof id === "number" ? idText(id, big) : id}`;
}

export function parseGid(value: string): { type: string; id: number } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  return match ? { type: match[1]!, id: recordId(match[2]!) } : null;
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
