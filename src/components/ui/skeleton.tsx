import { cn } from "~/lib/cn";

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-slate-200/70", className)} />;
}

export function SkeletonRows({ rows = 3 }: { rows?: number }) {
  return (
    // A named status region: a label on a plain div is not allowed (axe: aria-prohibited-attr).
    <div className="space-y-3" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
