"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame, legendText } from "~/components/ui/chart-frame";
import type { QueueHealth } from "~/server/services/queues/health";

const COLORS = ["#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6"];

const minuteLabel = (i: number, minutes: number) => (i === minutes - 1 ? "now" : `-${minutes - 1 - i}m`);
const minuteWords = (i: number, minutes: number) => (i === minutes - 1 ? "this minute" : `${minutes - 1 - i} min ago`);

/** Jobs completed per minute and queue, as bars, with a summary and the numbers as a table. */
export function ThroughputChart({ queues }: { queues: QueueHealth[] }) {
  const minutes = queues[0]?.completedPerMinute.length ?? 0;
  const rows = Array.from({ length: minutes }, (_, i) => {
    const row: Record<string, number | string> = { minute: minuteLabel(i, minutes) };
    for (const q of queues) row[q.name] = q.completedPerMinute[i] ?? 0;
    return row;
  });
  const perMinute = Array.from({ length: minutes }, (_, i) => queues.reduce((n, q) => n + (q.completedPerMinute[i] ?? 0), 0));
  const total = perMinute.reduce((a, b) => a + b, 0);
  if (total === 0) {
    return <p className="py-10 text-center text-sm text-slate-600">No jobs completed in the last {minutes || 15} minutes. Send a test job to see it here.</p>;
  }
  const busiest = perMinute.indexOf(Math.max(...perMinute));
  const byQueue = queues
    .map((q) => ({ name: q.name, n: q.completedPerMinute.reduce((a, b) => a + b, 0) }))
    .filter((q) => q.n > 0)
    .sort((a, b) => b.n - a.n)
    .map((q) => `${q.name} ${q.n.toLocaleString("en")}`)
    .join(", ");
  const summary = `${total.toLocaleString("en")} jobs completed in the last ${minutes} minutes (${byQueue}); the busiest minute was ${minuteWords(busiest, minutes)} with ${perMinute[busiest]!.toLocaleString("en")}.`;
  return (
    <ChartFrame
      title="Jobs completed per minute and queue"
      summary={summary}
      table={{
        columns: ["Minute", ...queues.map((q) => q.name), "Total"],
        rows: rows.map((row, i) => ({ key: String(row.minute), cells: [minuteWords(i, minutes), ...queues.map((q) => q.completedPerMinute[i] ?? 0), perMinute[i]!] })),
      }}
    >
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 4, right: 8, left: -16, bottom: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="minute" tick={{ fontSize: 11, fill: "#475569" }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#475569" }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            {queues.map((q, i) => (
              <Bar key={q.name} dataKey={q.name} stackId="a" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}
