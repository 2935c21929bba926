"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { QueueHealth } from "~/server/services/queues/health";

const COLORS = ["#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6"];

export function ThroughputChart({ queues }: { queues: QueueHealth[] }) {
  const minutes = queues[0]?.completedPerMinute.length ?? 0;
  const rows = Array.from({ length: minutes }, (_, i) => {
    const row: Record<string, number | string> = { minute: i === minutes - 1 ? "now" : `-${minutes - 1 - i}m` };
    for (const q of queues) row[q.name] = q.completedPerMinute[i] ?? 0;
    return row;
  });
  const total = queues.reduce((n, q) => n + q.completedPerMinute.reduce((a, b) => a + b, 0), 0);
  if (total === 0) {
    return <p className="py-10 text-center text-sm text-slate-500">No jobs completed in the last 15 minutes. Send a test job to see it here.</p>;
  }
  return (
    <div className="h-56" role="img" aria-label={`${total} jobs completed in the last 15 minutes`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 4, right: 8, left: -16, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="minute" tick={{ fontSize: 11, fill: "#64748b" }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {queues.map((q, i) => (
            <Bar key={q.name} dataKey={q.name} stackId="a" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
