import { cn } from "~/lib/cn";

export function Logo({ className }: { className?: string }) {
  return (
    <div className={cn("flex items-center gap-2", className)}>
      <span className="grid size-8 place-items-center rounded-lg bg-indigo-600 text-sm font-bold text-white">B</span>
      <span className="text-lg font-semibold tracking-tight text-slate-900">Brandbase</span>
    </div>
  );
}
