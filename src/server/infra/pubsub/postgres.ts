import { createHash } from "node:crypto";
import type { Sql } from "../../db/client";
import type { PubSubPort } from "./port";

// NOTIFY refuses payloads of 8000 bytes or more; the margin leaves room for the envelope.
const INLINE_BYTES = 7_500;
// Subscribers read a stored payload within milliseconds of its notification; minutes is generous.
const PAYLOAD_KEEP = "5 minutes";
const SWEEP_EVERY_MS = 60_000;

/** What travels in a NOTIFY: the message itself, or the id of the row holding a large one. */
type Envelope = { m: unknown } | { ref: number | string };

const LOST = Symbol("lost");

/**
 * Our channel names are long and mixed-case, Postgres's are at most 63 bytes and folded to lower
 * case unless quoted: a hash of the full name fits, and is the same in every process.
 */
export function postgresChannel(name: string): string {
  return `bb_${createHash("sha1").update(name).digest("hex")}`;
}

interface Channel {
  handlers: Set<(message: unknown) => void>;
  /** Told when the LISTEN is issued again after a reconnect (messages in between were missed). */
  resumers: Set<() => void>;
  listens: number;
  listening: Promise<{ unlisten(): Promise<void> }>;
  /** Deliveries in notification order, even when a stored payload takes a read to fetch. */
  tail: Promise<void>;
}

/**
 * LISTEN/NOTIFY through postgres.js, which keeps one listening connection per Sql instance and
 * listens again after a reconnect. Channels are ref-counted: one LISTEN per channel per port.
 */
export function createPostgresPubSub(options: { sql: Sql; prefix: string }): PubSubPort {
  const { sql } = options;
  const channels = new Map<string, Channel>();
  const channelOf = (channel: string) => postgresChannel(`${options.prefix}:ps:${channel}`);
  let lastSweep = Number.NEGATIVE_INFINITY;

  /** Deletes payloads every subscriber has long read; at most once a minute, never awaited. */
  function sweep(): void {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    sql`delete from pubsub_payload where created_at < now() - ${PAYLOAD_KEEP}::interval`.catch(() => {});
  }

  async function open(envelope: Envelope): Promise<unknown> {
    if (!("ref" in envelope)) return envelope.m;
    try {
      const [row] = await sql<{ body: string }[]>`select body from pubsub_payload where id = ${envelope.ref}`;
      return row ? (JSON.parse(row.body) as unknown) : LOST;
    } catch {
      return LOST;
    }
  }

  function deliver(name: string, entry: Channel, message: unknown): void {
    if (message === LOST || channels.get(name) !== entry) return;
    for (const handler of entry.handlers) {
      try {
        handler(message);
      } catch (err) {
        // A subscriber's bug surfaces as it would anywhere, without starving the others.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  function receive(name: string, entry: Channel, payload: string): void {
    // A LISTEN that failed may still be re-issued by postgres.js on reconnect: only the current entry delivers.
    if (channels.get(name) !== entry) return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(payload);
    } catch {
      return;
    }
    // Anyone may NOTIFY on the channel: only our envelopes count.
    if (typeof envelope !== "object" || envelope === null || !("m" in envelope || "ref" in envelope)) return;
    const message = open(envelope as Envelope);
    entry.tail = entry.tail.then(async () => deliver(name, entry, await message));
  }

  function listen(name: string): Channel {
    const entry: Channel = {
      handlers: new Set(),
      resumers: new Set(),
      listens: 0,
      tail: Promise.resolve(),
      // postgres.js calls the third argument on each LISTEN it issues: the first, and one after every reconnect.
      listening: sql.listen(
        name,
        (payload) => receive(name, entry, payload),
        () => {
          if (++entry.listens > 1 && channels.get(name) === entry) for (const resume of entry.resumers) resume();
        },
      ),
    };
    channels.set(name, entry);
    return entry;
  }

  async function unlisten(name: string, entry: Channel): Promise<void> {
    if (channels.get(name) === entry) channels.delete(name);
    await entry.listening.then((l) => l.unlisten()).catch(() => {});
  }

  return {
    backend: "postgres",
    async publish(channel, message) {
      const name = channelOf(channel);
      const body = JSON.stringify(message) ?? "null";
      const inline = `{"m":${body}}`;
      if (Buffer.byteLength(inline) <= INLINE_BYTES) {
        await sql.notify(name, inline);
        return;
      }
      const [row] = await sql<{ id: string }[]>`insert into pubsub_payload (channel, body) values (${name}, ${body}) returning id`;
      await sql.notify(name, JSON.stringify({ ref: row!.id }));
      sweep();
    },
    async subscribe(channel, onMessage, opts) {
      const name = channelOf(channel);
      const entry = channels.get(name) ?? listen(name);
      // Held from the start, so an unsubscribe meanwhile does not drop the LISTEN this call waits for.
      entry.handlers.add(onMessage);
      const resume = opts?.onResume;
      if (resume) entry.resumers.add(resume);
      try {
        await entry.listening;
      } catch (err) {
        entry.handlers.delete(onMessage);
        if (resume) entry.resumers.delete(resume);
        if (channels.get(name) === entry) channels.delete(name);
        throw err;
      }
      return async () => {
        if (resume) entry.resumers.delete(resume);
        if (!entry.handlers.delete(onMessage) || entry.handlers.size > 0) return;
        await unlisten(name, entry);
      };
    },
    async close() {
      const all = [...channels];
      channels.clear();
      await Promise.all(all.map(([name, entry]) => (entry.handlers.clear(), unlisten(name, entry))));
    },
  };
}
