"use client";

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame, legendText } from "~/components/ui/chart-frame";
import { formatDay, formatMoney, formatMoneyCompact } from "~/lib/format";

export interface DailyPoint {
  day: string;
  orders: number;
  gross: string;
  net: string;
}

/**
 * Gross and net revenue per local day, in one currency: axes and tooltips say which, with
 * separators; a sentence and a data table (ChartFrame) say the same to those who cannot see it.
 */
export function RevenueChart({ daily, currency, timeZone }: { daily: DailyPoint[]; currency: string; timeZone: string }) {
  const long = daily.length > 120;
  const data = daily.map((d) => ({ day: d.day, Gross: Number(d.gross), Net: Number(d.net), orders: d.orders }));
  const gross = daily.reduce((n, d) => n + Number(d.gross), 0);
  const net = daily.reduce((n, d) => n + Number(d.net), 0);
  const best = daily.reduce<DailyPoint | null>((b, d) => (!b || Number(d.gross) > Number(b.gross) ? d : b), null);
  const summary =
    `Revenue per day in ${currency}, days in ${timeZone}: ${formatMoney(String(gross), currency)} gross and ${formatMoney(String(net), currency)} net over ${daily.length.toLocaleString("en")} days` +
    (best && Number(best.gross) > 0 ? `; the best day was ${formatDay(best.day, { year: true })} with ${formatMoney(best.gross, currency)}.` : ".");
  return (
    <ChartFrame
      title={`Revenue per day in ${currency}`}
      summary={summary}
      table={{
        columns: ["Day", "Orders", `Gross (${currency})`, `Net (${currency})`],
        rows: daily.map((d) => ({ key: d.day, cells: [formatDay(d.day, { year: true }), d.orders, formatMoney(d.gross, currency), formatMoney(d.net, currency)] })),
      }}
    >
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 4, right: 8, left: 0, bottom: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#475569" }} tickFormatter={(d: string) => formatDay(d, { year: long })} minTickGap={24} />
            <YAxis tick={{ fontSize: 11, fill: "#475569" }} width={72} tickFormatter={(v: number) => formatMoneyCompact(v, currency)} />
            <Tooltip labelFormatter={(d) => formatDay(String(d), { year: true })} formatter={(v, name) => [formatMoney(String(v ?? 0), currency), name]} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Area type="monotone" dataKey="Gross" stroke="#4f46e5" fill="#e0e7ff" isAnimationActive={false} />
            <Area type="monotone" dataKey="Net" stroke="#059669" fill="#d1fae5" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}
