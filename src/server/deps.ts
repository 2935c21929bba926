import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { type Db, getDb, getSql, type Sql } from "./db/client";
import { type Env, getEnv } from "./env";
import { getInfra, type Infra } from "./infra";
import type { CachePort } from "./infra/cache/port";
import type { LockPort } from "./infra/lock/port";
import type { PubSubPort } from "./infra/pubsub/port";
import { createJobProducer, type JobProducer } from "./jobs/queue";
import { getLogger, type Logger } from "./logger";
import { getShopify, type Shopify } from "./shopify/api";
import { sessionStorage } from "./shopify/session-storage";

/**
 * The composition root: everything services depend on, assembled in one place for the tRPC
 * context, the route handlers and the job handlers. Each part is a process-wide singleton built on
 * first use (the Postgres pool, the Redis-backed ports, the Shopify library, the session storage),
 * so assembling deps is free and may be done per request or per job. Services keep taking the
 * narrow slice they need (`{ db, log }`, `{ db, jobs, pubsub, log }`…); this object satisfies all of them.
 */
export interface AppDeps {
  env: Env;
  db: Db;
  sql: Sql;
  infra: Infra;
  jobs: JobProducer;
  pubsub: PubSubPort;
  cache: CachePort;
  lock: LockPort;
  log: Logger;
  /** Built on first use: a process without Shopify credentials still serves everything else. */
  shopify: Shopify;
  /** Built on first use: needs TOKEN_ENCRYPTION_KEY. */
  storage: SessionStorage;
}

/**
 * An object that stands for `make()`'s result and builds it on first property access. Unlike a
 * getter it survives being spread (tRPC merges contexts with `{ ...ctx }`), so an unused part that
 * cannot be built (no Shopify credentials) never throws.
 */
function lazy<T extends object>(make: () => T): T {
  let value: T | undefined;
  const target = () => (value ??= make());
  return new Proxy({} as T, {
    get: (_, prop) => Reflect.get(target(), prop),
    has: (_, prop) => Reflect.has(target(), prop),
  });
}

/**
 * Deps on the process-wide parts. `infra` replaces the process's ports (tests run on queues of
 * their own); `log` is the request's or job's child logger.
 */
export function createDeps(parts: { infra?: Infra; log?: Logger } = {}): AppDeps {
  const infra = parts.infra ?? getInfra();
  return {
    env: getEnv(),
    db: getDb(),
    sql: getSql(),
    infra,
    jobs: createJobProducer(infra.queue),
    pubsub: infra.pubsub,
    cache: infra.cache,
    lock: infra.lock,
    log: parts.log ?? getLogger(),
    shopify: lazy(getShopify),
    storage: lazy(sessionStorage),
  };
}
