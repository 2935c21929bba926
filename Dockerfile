# One image for every Brandbase process; the command picks the role:
#   web        tsx scripts/server.ts                     (default CMD: Next.js behind our HTTP server)
#   workers    tsx src/workers/index.ts <queue...>       (no args = all queues)
#   migrations tsx scripts/migrate.ts
#   admin      tsx scripts/admin.ts create <email>       (make an instance administrator)
# See docker-compose.yml for the full stack.
#
#   docker build -t brandbase .

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# ---------------------------------------------------------------------------
# deps: the full dependency tree (dev dependencies are needed by `next build`:
# tailwindcss, @tailwindcss/postcss, typescript). Only the manifests are copied
# so this layer is reused until package.json / package-lock.json change.
# package.json's "allowScripts" decides which install scripts run (npm 11).
# (No `RUN --mount=type=cache`: Debian's docker-compose 1.x builds with the classic
# builder, which rejects it.)
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

# ---------------------------------------------------------------------------
# build: production Next.js build, then drop dev dependencies for the runtime.
# No secrets are needed here: env is parsed lazily at runtime (src/server/env.ts).
FROM base AS build
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npx next build \
 && rm -rf .next/cache \
 && npm prune --omit=dev \
 && mkdir -p public

# ---------------------------------------------------------------------------
# runtime: non-root, only what web / workers / migrations read at runtime.
FROM base AS runtime
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH

# Application files stay root-owned (read-only for the app user); only .next is
# writable because `next start` writes its cache (.next/cache) at runtime.
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json /app/next.config.ts /app/postcss.config.mjs ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/public ./public
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/src ./src
COPY --from=build --chown=node:node /app/.next ./.next

# The `node` user (uid 1000) ships with the official image.
USER node
EXPOSE 3000

# No HEALTHCHECK here: the same image runs workers and one-shot migrations, so
# docker-compose.yml defines a fitting check per service.

# Binaries are invoked directly (not through npx/npm) so the Node process itself
# receives SIGTERM; run with an init (compose `init: true` / `docker run --init`).
# scripts/server.ts, not `next start`: it decides the client address from the socket (and
# TRUST_PROXY hops) and adds the security headers. Listens on 0.0.0.0:3000 (HOST, PORT).
CMD ["tsx", "scripts/server.ts"]
