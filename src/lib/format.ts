/** A decimal amount (exact, as a string) in its currency, for display. */
export function formatMoney(amount: string, currency: string): string {
  return new Intl.NumberFormat("en", { style: "currency", currency, maximumFractionDigits: 2 }).format(Number(amount));
}
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatAgo(epochMs: number | null, now = Date.now()): string {
  if (epochMs === null) return "—";
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(epochMs).toLocaleString();
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : new Intl.NumberFormat("en").format(n);
}

/** "1 h 4 min", "3 min 10 s", "42 s" */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** An axis tick or a tight label: "$1.2K", "€950", in the currency, with the locale's separators. */
export function formatMoneyCompact(amount: number, currency: string): string {
  return new Intl.NumberFormat("en", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(amount);
}

/** "1 unit", "1,234 units" (any noun: "orders", "customers"). */
export function formatUnits(n: number, singular = "unit", plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** A share between 0 and 1 as "12.5%". */
export function formatPercent(share: number | null): string {
  return share === null ? "—" : new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(share);
}

/** A moment as the shop sees it: "Nov 30, 2026, 3:04 PM" in `timeZone` (an IANA name). */
export function formatDateTime(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(at));
}

/** A calendar day (YYYY-MM-DD, already local to the shop): "Nov 30" or, with the year, "Nov 30, 2026". */
export function formatDay(day: string, opts: { year?: boolean } = {}): string {
  return new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: opts.year ? "numeric" : undefined, timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
