import { randomUUID } from "node:crypto";
import { z } from "zod";
import { fieldErrors } from "~/lib/validation";

// Segment's HTTP tracking API, as its and RudderStack's client libraries send it: the six call
// types, one per request or many in a batch. Pure: the collector and the tests share it.

export const EVENT_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Segment's limits: one message, and one request of a batch. */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
/** A batch's messages at most (Segment: 500 KB; our own cap keeps a request's work bounded). */
export const MAX_BATCH_EVENTS = 2_500;

/** The call a path stands for: Segment's long names and analytics.js's one-letter ones. */
export const PATH_TYPES: Record<string, EventType | "batch"> = {
  track: "track",
  t: "track",
  identify: "identify",
  i: "identify",
  page: "page",
  p: "page",
  screen: "screen",
  s: "screen",
  group: "group",
  g: "group",
  alias: "alias",
  a: "alias",
  batch: "batch",
  b: "batch",
  import: "batch",
};

/** Clients send ids as strings, some as numbers; both are kept as text. */
const id = z.union([z.string().max(255, "at most 255 characters"), z.number().finite()]).transform((v) => String(v));
const when = z.string().max(64).refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 date-time");
const object = z.record(z.string(), z.unknown(), "must be an object");

const common = z.looseObject({
  messageId: z.string().min(1, "must not be empty").max(100, "at most 100 characters").optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: when.nullish(),
  sentAt: when.nullish(),
  context: object.nullish(),
  integrations: object.nullish(),
  properties: object.nullish(),
  traits: object.nullish(),
});

const named = z.string().max(200, "at most 200 characters").nullish();

const messageSchemas = {
  track: common.extend({ event: z.string("is required for a track call").min(1, "is required for a track call").max(200, "at most 200 characters") }),
  identify: common,
  page: common.extend({ name: named, category: named }),
  screen: common.extend({ name: named, category: named }),
  group: common.extend({ groupId: id.refine((v) => v.length > 0, "is required for a group call") }),
  alias: common.extend({ previousId: id.refine((v) => v.length > 0, "is required for an alias call"), userId: id }),
} satisfies Record<EventType, z.ZodType>;

/** A message as accepted: what the events table holds. */
export interface AcceptedEvent {
  messageId: string;
  type: EventType;
  /** A track's event name, or a page's or screen's name. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: Date;
  receivedAt: Date;
  /** The message as sent, with Segment's server fields added (messageId, originalTimestamp, timestamp, receivedAt). */
  payload: Record<string, unknown>;
}

export type ParseResult = { ok: true; events: AcceptedEvent[] } | { ok: false; status: 400 | 413; error: string; fields: Record<string, string> };

/**
 * Segment's clock-skew correction: the client's clock is off by (sentAt − its own now), so the
 * event happened at receivedAt − (sentAt − timestamp). Without sentAt the client's timestamp is
 * believed; without either, the receive time stands in.
 */
export function correctTimestamp(input: { timestamp?: string | null; sentAt?: string | null; receivedAt: Date }): Date {
  const original = input.timestamp ? Date.parse(input.timestamp) : Number.NaN;
  const sent = input.sentAt ? Date.parse(input.sentAt) : Number.NaN;
  if (Number.isNaN(original)) return input.receivedAt;
  if (Number.isNaN(sent)) return new Date(original);
  return new Date(input.receivedAt.getTime() - (sent - original));
}

function invalid(fields: Record<string, string>): ParseResult {
  const error = Object.entries(fields)
    .map(([field, problem]) => `${field}: ${problem}`)
    .join("; ");
  return { ok: false, status: 400, error, fields };
}

/** One message of a call: its own fields checked, prefixed (`batch.3.event`) when it is in a batch. */
function parseMessage(raw: unknown, type: EventType, opts: { prefix: string; receivedAt: Date; requestBytes: number; batchSentAt?: string | null; batchContext?: Record<string, unknown> }):
  | { ok: true; event: AcceptedEvent }
  | { ok: false; fields: Record<string, string> } {
  const at = (field: string) => `${opts.prefix}${field}`;
  const parsed = messageSchemas[type].safeParse(raw);
  if (!parsed.success) {
    return { ok: false, fields: Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([k, v]) => [at(k === "form" ? "message" : k), v])) };
  }
  const m = parsed.data as z.output<typeof common> & { event?: string; name?: string | null; userId?: string | null };
  if (!m.userId && !m.anonymousId) return { ok: false, fields: { [at("userId")]: "userId or anonymousId is required" } };
  // A single call's size was checked on the request; a batch's messages are measured one by one
  // (none can be over the limit when the whole request is not).
  const size = opts.prefix && opts.requestBytes > MAX_EVENT_BYTES ? Buffer.byteLength(JSON.stringify(raw)) : 0;
  if (size > MAX_EVENT_BYTES) return { ok: false, fields: { [at("message")]: `is ${size} bytes; one event may be at most 32 KB` } };

  const sentAt = m.sentAt ?? opts.batchSentAt;
  const timestamp = correctTimestamp({ timestamp: m.timestamp, sentAt, receivedAt: opts.receivedAt });
  const messageId = m.messageId ?? `bb-${randomUUID()}`;
  const { writeKey: _writeKey, ...rest } = raw as Record<string, unknown>;
  const context = opts.batchContext || m.context ? { ...opts.batchContext, ...m.context } : undefined;
  const payload: Record<string, unknown> = {
    ...rest,
    type,
    messageId,
    ...(context ? { context } : {}),
    ...(m.timestamp ? { originalTimestamp: m.timestamp } : {}),
    ...(sentAt ? { sentAt } : {}),
    timestamp: timestamp.toISOString(),
    receivedAt: opts.receivedAt.toISOString(),
  };
  return {
    ok: true,
    event: {
      messageId,
      type,
      name: type === "track" ? (m.event ?? null) : type === "page" || type === "screen" ? (m.name ?? null) : null,
      userId: m.userId ?? null,
      anonymousId: m.anonymousId ?? null,
      timestamp,
      receivedAt: opts.receivedAt,
      payload,
    },
  };
}

/**
 * A request body of the given call, parsed and checked. A batch is all or nothing: one bad message
 * refuses the request (400 naming each bad field, `batch.<index>.<field>`) and nothing is stored,
 * so a client never has to work out which of its events landed.
 */
export function parseCall(call: EventType | "batch", body: unknown, opts: { receivedAt: Date; bytes: number }): ParseResult {
  if (call !== "batch" && opts.bytes > MAX_EVENT_BYTES) return { ok: false, status: 413, error: `The event is ${opts.bytes} bytes; one event may be at most 32 KB`, fields: { message: "over 32 KB" } };
  if (opts.bytes > MAX_BATCH_BYTES) return { ok: false, status: 413, error: `The request is ${opts.bytes} bytes; a batch may be at most 500 KB`, fields: { batch: "over 500 KB" } };
  if (!body || typeof body !== "object" || Array.isArray(body)) return invalid({ body: "must be a JSON object" });
  const b = body as Record<string, unknown>;
  if (call !== "batch") {
    const one = parseMessage(b, call, { prefix: "", receivedAt: opts.receivedAt, requestBytes: opts.bytes });
    return one.ok ? { ok: true, events: [one.event] } : invalid(one.fields);
  }
  if (!Array.isArray(b.batch)) return invalid({ batch: "must be an array of messages" });
  if (b.batch.length === 0) return invalid({ batch: "must hold at least one message" });
  if (b.batch.length > MAX_BATCH_EVENTS) return invalid({ batch: `holds ${b.batch.length} messages; at most ${MAX_BATCH_EVENTS} per request` });
  const batchSentAt = typeof b.sentAt === "string" && !Number.isNaN(Date.parse(b.sentAt)) ? b.sentAt : null;
  const batchContext = b.context && typeof b.context === "object" && !Array.isArray(b.context) ? (b.context as Record<string, unknown>) : undefined;
  const events: AcceptedEvent[] = [];
  const fields: Record<string, string> = {};
  b.batch.forEach((raw, index) => {
    const prefix = `batch.${index}.`;
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !(EVENT_TYPES as readonly string[]).includes(type)) {
      fields[`${prefix}type`] = `must be one of ${EVENT_TYPES.join(", ")}`;
      return;
    }
    const one = parseMessage(raw, type as EventType, { prefix, receivedAt: opts.receivedAt, requestBytes: opts.bytes, batchSentAt, batchContext });
    if (one.ok) events.push(one.event);
    else Object.assign(fields, one.fields);
  });
  if (Object.keys(fields).length) return invalid(fields);
  // The same messageId twice in one request is one event (the first wins), as across requests.
  const seen = new Set<string>();
  return { ok: true, events: events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId)) };
}
