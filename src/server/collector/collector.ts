import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzip, inflate } from "node:zlib";
import { promisify } from "node:util";
import { LRUCache } from "lru-cache";
import type { Db, Sql } from "../db/client";
import type { PubSubPort } from "../infra/pubsub/port";
import type { RateLimitPort, RateLimitRule } from "../infra/rate-limit/port";
import type { JobProducer } from "../jobs/queue";
import type { Logger } from "../logger";
import { createEventCommitter, type EventCommitter } from "../services/events/committer";
import { MAX_BATCH_BYTES, PATH_TYPES, parseCall } from "../services/events/messages";
import { kickResolution } from "../services/events/resolve-kick";
import { findSourceByWriteKey, recordRejection, SOURCES_CHANGED_CHANNEL, type SourceKey } from "../services/events/sources";
import type { Shopify } from "../shopify/api";
import { CLIENT_IP_HEADER } from "../trusted-proxy";
import { createGroupCommitter } from "../group-commit";
import { commitDeliveries, queueDeliveries, type VerifiedDelivery } from "../services/webhooks/receive";
import { handleShopifyWebhook, WEBHOOK_PATH } from "./webhooks";

// The lean path for what the outside sends us — the event API (Segment's HTTP tracking API) and
// Shopify's webhooks: answered on node:http before Next.js sees the request, because a route
// handler costs milliseconds of CPU per request and this path must take thousands a second.
// Check, commit (events: group commit), answer; processing runs later on the ingestion queue.
// See docs/decisions.md, "The lean path for events and webhooks".

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export interface CollectorDeps {
  db: Db;
  sql: Sql;
  jobs: JobProducer;
  rateLimit: RateLimitPort;
  pubsub: PubSubPort;
  log: Logger;
  /** For Shopify's webhooks (HMAC): absent, they are left to the Next.js route. */
  shopify?: Shopify;
  /** Request metrics (route, method, status, seconds), as the other routes report them. */
  observe?: (route: string, method: string, status: number, seconds: number) => void;
}

export interface CollectorOptions {
  /** Events one source may send per window (a batch counts each of its events). */
  sourceRule: RateLimitRule;
  /** Requests with an unknown or revoked key one client address may make per window. */
  badKeyRule: RateLimitRule;
}

export interface Collector {
  /** Answers the request when it is the event API's (true), or leaves it alone (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
}

/** The most points one lease takes from a source's rate limit. */
const LEASE = 200;

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, Content-Encoding",
  "access-control-max-age": "86400",
};

function send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The body, decompressed when the client gzipped it (RudderStack's client does), refused past the batch limit either way. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_BATCH_BYTES) throw new HttpProblem(413, `The request is ${declared} bytes; a batch may be at most 500 KB`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BATCH_BYTES) {
      req.resume();
      throw new HttpProblem(413, "The request is over 500 KB; a batch may be at most 500 KB");
    }
    chunks.push(chunk);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  const encoding = String(req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding === "identity" || encoding === "") return raw;
  const limit = { maxOutputLength: MAX_BATCH_BYTES + 1 };
  try {
    const out = encoding === "gzip" ? await gunzipAsync(raw, limit) : encoding === "deflate" ? await inflateAsync(raw, limit) : null;
    if (!out) throw new HttpProblem(415, `Content-Encoding ${encoding} is not supported (send gzip, deflate or none)`);
    if (out.length > MAX_BATCH_BYTES) throw new HttpProblem(413, "The request is over 500 KB uncompressed; a batch may be at most 500 KB");
    return out;
  } catch (err) {
    if (err instanceof HttpProblem) throw err;
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new HttpProblem(413, "The request is over 500 KB uncompressed; a batch may be at most 500 KB");
    throw new HttpProblem(400, `The body is not valid ${encoding} data`);
  }
}

/** The write key: HTTP Basic's user name (Segment's and RudderStack's server clients) or `writeKey` in the body (analytics.js). */
export function writeKeyOf(authorization: string | undefined, body: unknown): string | null {
  const basic = authorization?.match(/^Basic\s+(.+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const user = decoded.includes(":") ? decoded.slice(0, decoded.indexOf(":")) : decoded;
    if (user) return user;
  }
  const inBody = (body as { writeKey?: unknown } | null)?.writeKey;
  return typeof inBody === "string" && inBody ? inBody : null;
}

export function createCollector(deps: CollectorDeps, opts: CollectorOptions): Collector {
  const committer: EventCommitter = createEventCommitter(deps);
  // Webhooks: committed with group commit and answered; their jobs are queued after, off the commit's slot
  // (a delivery recorded but not queued is queued again by the ingestion worker's sweep). One commit at a
  // time: a delivery's 8 KB body makes each commit's cost mostly per statement, and larger groups were
  // measured faster here (bench ingest: about 1,300/s against about 1,000/s with 3 in flight).
  const queueing = new Set<Promise<void>>();
  const deliveries = createGroupCommitter(async (verified: VerifiedDelivery[]) => {
    const { answers, jobs } = await commitDeliveries(deps, verified);
    const queued = queueDeliveries(deps, jobs).finally(() => queueing.delete(queued));
    queueing.add(queued);
    return answers;
  }, { maxInFlight: 1 });
  const recorder = async (delivery: VerifiedDelivery) => (await deliveries.submit([delivery]))[0]!;
  // Write key → source (or null: unknown). Forgotten after 30 s, and at once when a key is rotated or revoked.
  const keys = new LRUCache<string, { source: SourceKey | null }>({ max: 10_000, ttl: 30_000 });
  let unsubscribe: (() => Promise<void>) | undefined;
  void deps.pubsub
    .subscribe(SOURCES_CHANGED_CHANNEL, () => keys.clear())
    .then((off) => (unsubscribe = off))
    .catch((err: unknown) => deps.log.warn({ err }, "collector: not told of key changes (keys are forgotten after 30 s instead)"));

  async function sourceFor(writeKey: string): Promise<SourceKey | null> {
    const hit = keys.get(writeKey);
    if (hit) return hit.source;
    const source = await findSourceByWriteKey(deps, writeKey);
    keys.set(writeKey, { source });
    return source;
  }

  /** A rate limit that cannot be asked (its backend is down) lets the request through: accepting beats refusing. */
  async function allowed(key: string, rule: RateLimitRule, points: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    try {
      return await deps.rateLimit.consume(key, rule, points);
    } catch (err) {
      deps.log.warn({ err }, "collector: rate limit unavailable; request let through");
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  // A busy source asks the shared limit for a lease of points (a tenth of its window's, at most
  // LEASE) rather than once per request; what a lease leaves unspent when its window ends is lost,
  // so each process makes the limit a little stricter, never looser.
  const leases = new Map<string, { left: number; until: number }>();
  async function allowedEvents(sourceId: string, events: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const now = Date.now();
    const lease = leases.get(sourceId);
    if (lease && lease.until > now && lease.left >= events) {
      lease.left -= events;
      return { allowed: true, retryAfterMs: 0 };
    }
    const rule = opts.sourceRule;
    const take = Math.max(events, Math.min(LEASE, Math.floor(rule.points / 10)));
    let result = await allowed(`events:${sourceId}`, rule, take);
    if (!result.allowed && take > events) result = await allowed(`events:${sourceId}`, rule, events);
    else if (result.allowed && take > events) leases.set(sourceId, { left: take - events, until: now + rule.windowSeconds * 1000 });
    if (leases.size > 10_000) leases.clear();
    return result;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, call: (typeof PATH_TYPES)[string], path: string): Promise<void> {
    const receivedAt = new Date();
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      body = undefined;
    }
    const writeKey = writeKeyOf(req.headers.authorization, body);
    const clientIp = String(req.headers[CLIENT_IP_HEADER] ?? req.socket.remoteAddress ?? "unknown");
    const source = writeKey ? await sourceFor(writeKey) : null;
    if (!source) {
      const limit = await allowed(`events-badkey:${clientIp}`, opts.badKeyRule, 1);
      if (!limit.allowed) return send(res, 429, { error: "Too many requests with an unknown write key" }, { "retry-after": String(Math.ceil(limit.retryAfterMs / 1000)) });
      return send(res, 401, { error: writeKey ? "Unknown or revoked write key" : "A write key is required: HTTP Basic auth with the source's write key as the user name" });
    }
    if (body === undefined) return refuse(source, 400, "The body is not JSON", { body: "is not valid JSON" });
    const parsed = parseCall(call, body, { receivedAt, bytes: raw.length });
    if (!parsed.ok) return refuse(source, parsed.status, parsed.error, parsed.fields);
    const limit = await allowedEvents(source.sourceId, parsed.events.length);
    if (!limit.allowed) {
      return send(res, 429, { error: `Rate limit: at most ${opts.sourceRule.points} events per ${opts.sourceRule.windowSeconds} s per source` }, { "retry-after": String(Math.max(1, Math.ceil(limit.retryAfterMs / 1000))) });
    }
    await committer.commit(parsed.events.map((e) => ({ ...e, brandId: source.brandId, sourceId: source.sourceId })));
    kickResolution(deps, source.brandId);
    send(res, 200, { success: true });

    function refuse(s: SourceKey, status: number, error: string, fields: Record<string, string>): void {
      void recordRejection(deps, { sourceId: s.sourceId, status, path, errors: fields, sample: raw.toString("utf8", 0, 500) }).catch((err: unknown) =>
        deps.log.warn({ err }, "collector: rejection not recorded"),
      );
      send(res, status, { error, fields });
    }
  }

  return {
    handle(req, res) {
      const path = req.url?.split("?")[0] ?? "";
      const webhook = path === WEBHOOK_PATH && req.method === "POST" && deps.shopify;
      const match = /^\/v1\/([a-z]+)\/?$/.exec(path);
      const call = match ? PATH_TYPES[match[1]!] : undefined;
      if (!webhook && !call) return false;
      const started = performance.now();
      res.once("finish", () => deps.observe?.(webhook ? WEBHOOK_PATH : "/v1", req.method ?? "POST", res.statusCode, (performance.now() - started) / 1000));
      if (webhook) {
        handleShopifyWebhook({ ...deps, shopify: deps.shopify!, recorder }, req, res);
        return true;
      }
      if (!call) return false;
      if (req.method === "OPTIONS") {
        res.writeHead(204, CORS);
        res.end();
        return true;
      }
      if (req.method !== "POST") {
        send(res, 405, { error: "Use POST" }, { allow: "POST, OPTIONS" });
        return true;
      }
      serve(req, res, call, path).catch((err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof HttpProblem) return send(res, err.status, { error: err.message, ...(err.fields ? { fields: err.fields } : {}) });
        deps.log.error({ err, path }, "collector: request failed");
        // Nothing was committed: the client's retry is safe (and deduplicated by messageId if it was).
        send(res, 503, { error: "Events could not be stored just now; retry" }, { "retry-after": "1" });
      });
      return true;
    },
    async close() {
      await Promise.all([committer.drain(), deliveries.drain()]);
      await Promise.all(queueing);
      await unsubscribe?.().catch(() => {});
    },
  };
}
