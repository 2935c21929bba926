/**
 * JSON with integers beyond 2^53 kept exact. Shopify's REST bodies carry ids as JSON numbers, and
 * its own samples and test notifications use 18-digit ones, which `JSON.parse` rounds. Parsing with
 * the reviver's source text (TC39 "JSON.parse source text access", in V8 since Node 22) turns an
 * integer literal that a number cannot hold into a `bigint`; everything else parses as usual.
 * `stringifyLossless` writes bigints back as the same digits (`JSON.rawJSON`), so a body stored
 * from the parse keeps them too.
 */

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
type RawJson = (text: string) => unknown;

const INTEGER = /^-?\d+$/;

const reviveBigIntegers: Reviver = (_key, value, context) => {
  if (typeof value !== "number" || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  if (source === undefined) throw new Error("This runtime's JSON.parse gives no source text; Node 22 or later is needed to keep large ids exact");
  return INTEGER.test(source) ? BigInt(source) : value;
};

/** An integer beyond 2^53 has at least 16 digits; a text without a run of 16 has none. */
const LONG_DIGITS = /\d{16}/;

/** `JSON.parse`, with integers beyond Number.MAX_SAFE_INTEGER as exact bigints. Throws SyntaxError like it. */
export function parseLossless(text: string): unknown {
  // The reviver costs about five plain parses; only a text that may hold such an integer needs it.
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(text, reviveBigIntegers as Parameters<typeof JSON.parse>[1]);
}

const rawJson = (JSON as unknown as { rawJSON?: RawJson }).rawJSON;

/** `JSON.stringify`, writing bigints as plain JSON numbers of the same digits. */
export function stringifyLossless(value: unknown): string {
  if (!rawJson) throw new Error("This runtime has no JSON.rawJSON; Node 22 or later is needed to keep large ids exact");
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? rawJson(v.toString()) : v));
}
