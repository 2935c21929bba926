import { cn } from "~/lib/cn";

/** A determinate bar (0–1), or an indeterminate shimmer when the fraction is unknown. */
export function ProgressBar({ fraction, tone = "indigo", label, className }: { fraction: number | null; tone?: "indigo" | "green" | "red"; label: string; className?: string }) {
  const pct = fraction === null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const colour = tone === "green" ? "bg-emerald-500" : tone === "red" ? "bg-red-500" : "bg-indigo-500";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-slate-100", className)}
    >
      <div className={cn("h-full rounded-full transition-[width] duration-500", colour, pct === null && "w-1/3 animate-pulse")} style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
