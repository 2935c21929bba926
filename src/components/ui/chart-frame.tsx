"use client";

import { type ReactNode, useId, useState } from "react";

export interface ChartTable {
  /** Column headings; the first column heads the rows. */
  columns: string[];
  rows: { key: string; cells: (string | number)[] }[];
}

/**
 * A chart people can read without seeing it: a sentence that says what it shows, and the same
 * numbers as a table behind a toggle. The drawing itself is hidden from assistive technology (it
 * says nothing the summary and table do not); charts inside must not be focusable
 * (`accessibilityLayer={false}` on recharts, which otherwise adds a nameless `role="application"`).
 */
export function ChartFrame({ title, summary, table, children }: { title: string; summary: ReactNode; table: ChartTable; children: ReactNode }) {
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  return (
    <figure aria-labelledby={`${id}-summary`} className="space-y-3">
      <div aria-hidden="true">{children}</div>
      <figcaption className="flex flex-wrap items-start justify-between gap-3 text-sm text-slate-600">
        <p id={`${id}-summary`}>{summary}</p>
        <button
          type="button"
          aria-expanded={showTable}
          aria-controls={`${id}-table`}
          onClick={() => setShowTable((s) => !s)}
          className="shrink-0 rounded-md text-sm font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          {showTable ? "Hide data table" : "Show data table"}
        </button>
      </figcaption>
      <div id={`${id}-table`} hidden={!showTable} className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600" role="region" aria-label={title} tabIndex={0}>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={c} scope="col" className={`px-3 py-2 text-xs font-semibold tracking-wide text-slate-600 uppercase ${i === 0 ? "text-left" : "text-right"}`}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {table.rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row" className="px-3 py-1.5 text-left font-medium text-slate-700">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} className="px-3 py-1.5 text-right text-slate-700 tabular-nums">
                      {typeof cell === "number" ? cell.toLocaleString("en") : cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** Recharts legend text in a readable colour (the swatch keeps the series colour). */
export function legendText(value: string): ReactNode {
  return <span style={{ color: "#334155" }}>{value}</span>;
}
