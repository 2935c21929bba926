import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "./logo";

/** A full page for when there is nothing to show here: what happened, and the ways back. */
export function ErrorPage({ code, title, description, links }: { code: string; title: string; description: ReactNode; links: { href: string; label: string }[] }) {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen flex-col items-center justify-center px-4 py-12 focus:outline-none">
      <Logo className="mb-8" />
      <div className="w-full max-w-md rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <p className="text-sm font-semibold text-indigo-700">{code}</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">{title}</h1>
        <div className="mt-2 text-sm text-slate-600">{description}</div>
        <nav aria-label="Ways back" className="mt-6 flex flex-wrap gap-3">
          {links.map((link, i) => (
            <Link
              key={link.href}
              href={link.href}
              className={
                i === 0
                  ? "inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                  : "inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
              }
            >
              {link.label}
            </Link>
          ))}
        </nav>
      </div>
    </main>
  );
}
