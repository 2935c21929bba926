/** An instant as ISO 8601 in UTC to the minute, "2026-11-30 17:20 UTC": the same for every reader. */
export function formatIsoMinute(at: Date | string | number): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "—" : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The UTC day of an instant, "2026-11-30". */
export function formatIsoDay(at: Date | string | number): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "—" : d.toISOString().slice(0, 10);
}
