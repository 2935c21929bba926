"use client";

import { Bar, CartesianGrid, Cell, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame, legendText } from "~/components/ui/chart-frame";
import { formatDay, formatMoney, formatMoneyCompact } from "~/lib/format";
import type { ChartBucket, ChartGrain } from "~/server/services/analytics/overview";

const GRAIN_NOUN: Record<ChartGrain, string> = { day: "day", week: "week", month: "month" };

/** How a bucket is named: "Mar 5, 2026"; "Mar 2 – 8, 2026"; "March 2026" (with "so far" when it is not over). */
export function bucketLabel(b: ChartBucket, grain: ChartGrain): string {
  const soFar = b.partial ? " (part)" : "";
  if (grain === "day") return `${formatDay(b.day, { year: true })}${soFar}`;
  if (grain === "month") return `${new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${b.day}T00:00:00Z`))}${b.partial ? ` (${formatDay(b.day)} – ${formatDay(b.lastDay)})` : ""}`;
  return `${formatDay(b.day)} – ${formatDay(b.lastDay, { year: true })}${soFar}`;
}

/** The axis's short name of a bucket. */
function tickLabel(day: string, grain: ChartGrain, long: boolean): string {
  if (grain === "month") return new Intl.DateTimeFormat("en", { month: "short", year: "2-digit", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
  return formatDay(day, { year: long });
}

/**
 * Gross revenue per day, week or month (bars) and net of refunds (line), in one currency: axes and
 * tooltips say which, with separators. A bucket that is only partly in the period — today, still
 * under way, or a week or month the period cuts — is drawn pale, so it does not read as a crash.
 * A sentence and a data table (ChartFrame) say the same to those who cannot see it.
 */
export function RevenueChart({ buckets, grain, currency, timeZone }: { buckets: ChartBucket[]; grain: ChartGrain; currency: string; timeZone: string }) {
  const noun = GRAIN_NOUN[grain];
  const long = buckets.length > 0 && buckets[0]!.day.slice(0, 4) !== buckets.at(-1)!.day.slice(0, 4);
  // A partial bucket's net is left off the line (its bar is pale, its figures in the tooltip and table): a
  // line into today's few hours would read as a crash.
  const data = buckets.map((b) => ({ day: b.day, Gross: Number(b.gross), Net: b.partial ? null : Number(b.net), orders: b.orders, partial: b.partial, label: bucketLabel(b, grain), net: b.net }));
  const gross = buckets.reduce((n, b) => n + Number(b.gross), 0);
  const net = buckets.reduce((n, b) => n + Number(b.net), 0);
  const whole = buckets.filter((b) => !b.partial);
  const best = whole.reduce<ChartBucket | null>((top, b) => (!top || Number(b.gross) > Number(top.gross) ? b : top), null);
  const summary =
    `Revenue per ${noun} in ${currency}, days in ${timeZone}: ${formatMoney(String(gross), currency)} gross and ${formatMoney(String(net), currency)} net over ${buckets.length.toLocaleString("en")} ${noun}s` +
    (best && Number(best.gross) > 0 ? `; the best whole ${noun} was ${bucketLabel(best, grain)} with ${formatMoney(best.gross, currency)}.` : ".") +
    (buckets.some((b) => b.partial) ? ` Pale bars are ${noun}s only partly in the period (today is still under way).` : "");
  return (
    <ChartFrame
      title={`Revenue per ${noun} in ${currency}`}
      summary={summary}
      table={{
        columns: [noun[0]!.toUpperCase() + noun.slice(1), "Orders", `Gross (${currency})`, `Net (${currency})`],
        rows: buckets.map((b) => ({ key: b.day, cells: [bucketLabel(b, grain), b.orders.toLocaleString("en"), formatMoney(b.gross, currency), formatMoney(b.net, currency)] })),
      }}
    >
      <div className="h-64" data-testid="revenue-chart" data-grain={grain} data-buckets={buckets.length}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 4, right: 8, left: 0, bottom: 0 }} accessibilityLayer={false} barCategoryGap={buckets.length > 60 ? 1 : "15%"}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#475569" }} tickFormatter={(d: string) => tickLabel(d, grain, long)} minTickGap={24} />
            <YAxis tick={{ fontSize: 11, fill: "#475569" }} width={76} tickFormatter={(v: number) => formatMoneyCompact(v, currency)} />
            <Tooltip
              labelFormatter={(_, payload) => String((payload?.[0]?.payload as { label?: string } | undefined)?.label ?? "")}
              formatter={(v, name, item) => [formatMoney(name === "Net" ? String((item.payload as { net: string }).net) : String(v ?? 0), currency), name]}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Bar dataKey="Gross" fill="#6366f1" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.day} fill={d.partial ? "#c7d2fe" : "#6366f1"} />
              ))}
            </Bar>
            <Line type="monotone" dataKey="Net" stroke="#059669" strokeWidth={2} dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}
