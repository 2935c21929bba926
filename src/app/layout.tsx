import type { Metadata } from "next";
import type { ReactNode } from "react";
import { LiveAnnouncer } from "~/components/ui/live-announcer";
import { TRPCReactProvider } from "~/lib/trpc";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Brandbase", template: "%s · Brandbase" },
  description: "Customer data and automation for Shopify brands",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {/* Every page's main content is `<main id="main">`: keyboard users skip the navigation. */}
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-3 py-2 text-sm font-semibold text-indigo-700 shadow ring-1 ring-slate-300 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to main content
        </a>
        <TRPCReactProvider>
          <LiveAnnouncer>{children}</LiveAnnouncer>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
