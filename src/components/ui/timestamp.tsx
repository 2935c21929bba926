import { formatIsoDay, formatIsoMinute } from "~/lib/iso-time";

/** An instant shown as ISO 8601 in UTC (to the minute, or the day), machine-readable in `dateTime`. */
export function Timestamp({ at, day, className }: { at: Date | string | number; day?: boolean; className?: string }) {
  const d = new Date(at);
  const valid = !Number.isNaN(d.getTime());
  return (
    <time dateTime={valid ? d.toISOString() : undefined} className={className}>
      {day ? formatIsoDay(d) : formatIsoMinute(d)}
    </time>
  );
}
