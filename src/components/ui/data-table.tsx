"use client";

import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";

/**
 * Columns of any value types. TanStack Table's own advice: `ColumnDef<T, unknown>` rejects the
 * typed columns `createColumnHelper` builds (a cell of a string column is not a cell of unknown).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Columns<T> = ColumnDef<T, any>[];

/** A plain, accessible table over TanStack Table; columns decide what cells render. */
export function DataTable<T>({ columns, data, rowId, label }: { columns: Columns<T>; data: T[]; rowId: (row: T) => string; label: string }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table instance is mutable by design; we do not run React Compiler
  const table = useReactTable({ columns, data, getCoreRowModel: getCoreRowModel(), getRowId: rowId });
  return (
    // Scrolls sideways on a narrow screen: focusable and named, so the keyboard can scroll it too.
    <div className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600" role="region" aria-label={label} tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="align-top hover:bg-slate-50/60">
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="px-3 py-2.5 text-slate-700">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
