"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { cn } from "~/lib/cn";

interface BrandOption {
  id: string;
  slug: string;
  name: string;
}

/**
 * The brand switcher: a button that shows the current brand and opens a list of links. Nothing
 * navigates until a link is followed (Enter or a click) — arrow keys on a `<select>` that navigated
 * on change used to jump to another brand at each key press.
 */
export function BrandSwitcher({ current, brands }: { current: BrandOption | null; brands: BrandOption[] | undefined }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);

  // A click or focus outside closes the list.
  useEffect(() => {
    if (!open) return;
    const away = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    document.addEventListener("focusin", away);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("focusin", away);
    };
  }, [open]);

  const list = brands ?? (current ? [current] : []);
  return (
    <div
      ref={root}
      className="relative"
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          // Closes the list only, not a dialog the switcher sits in.
          event.stopPropagation();
          event.preventDefault();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <p id={`${id}-label`} className="mb-1 px-2 text-xs font-medium tracking-wide text-slate-600 uppercase">
        Brand
      </p>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-labelledby={`${id}-label ${id}-value`}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center justify-between gap-2 rounded-md bg-slate-50 px-2 py-2 text-left text-sm font-medium text-slate-900 ring-1 ring-slate-200 ring-inset hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        <span id={`${id}-value`} className="truncate">
          {current?.name ?? "Loading…"}
        </span>
        <svg aria-hidden="true" viewBox="0 0 20 20" className={cn("size-4 shrink-0 text-slate-500 transition-transform", open && "rotate-180")} fill="currentColor">
          <path d="M5.23 7.21a.75.75 0 0 1 1.06.02L10 11.17l3.71-3.94a.75.75 0 1 1 1.08 1.04l-4.25 4.5a.75.75 0 0 1-1.08 0l-4.25-4.5a.75.75 0 0 1 .02-1.06Z" />
        </svg>
      </button>
      <ul
        id={`${id}-list`}
        hidden={!open}
        aria-label="Switch brand"
        className="absolute inset-x-0 z-30 mt-1 max-h-72 overflow-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      >
        {list.map((b) => {
          const here = b.slug === current?.slug;
          return (
            <li key={b.id}>
              <Link
                href={`/${b.slug}`}
                aria-current={here ? "true" : undefined}
                onClick={() => setOpen(false)}
                className={cn("block truncate px-3 py-2 hover:bg-slate-50", here ? "font-semibold text-indigo-700" : "text-slate-700")}
              >
                {b.name}
              </Link>
            </li>
          );
        })}
        <li className="border-t border-slate-100">
          <Link href="/brands" onClick={() => setOpen(false)} className="block px-3 py-2 text-slate-700 hover:bg-slate-50">
            All brands / new brand…
          </Link>
        </li>
      </ul>
    </div>
  );
}
