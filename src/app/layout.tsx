import type { Metadata } from "next";
import type { ReactNode } from "react";
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
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
