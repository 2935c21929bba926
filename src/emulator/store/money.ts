/** Exact money: integer minor units in, "12.30" decimal strings out. */

/** Units of each currency per US dollar: what a presentment amount is converted at. */
export const RATES: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79, CAD: 1.36, AUD: 1.52 };

export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${units}.${rest < 10 ? "0" : ""}${rest}`;
}

/** Parses "12.3" / "12.30" / "12" exactly into cents; throws on anything else. */
export function parseCents(amount: string | number): number {
  const text = String(amount).trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new Error(`Invalid money amount "${text}"`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -cents : cents;
}

/** Shopify's DateTime format: second precision, UTC, "Z". */
let cachedDay = Number.NaN;
let cachedPrefix = "";
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Shopify's DateTime format: second precision, UTC, "Z". (Hot in bulk exports: the date part is cached per day.) */
export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  const secs = Math.floor((ms - day * 86_400_000) / 1000);
  return `${cachedPrefix}${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}Z`;
}

/** An amount in the shop's currency as the customer sees it in `presentment` (rounded to the cent). */
export function presentmentCents(cents: number, shop: string, presentment: string): number {
  return shop === presentment ? cents : Math.round((cents * (RATES[presentment] ?? 1)) / (RATES[shop] ?? 1));
}
