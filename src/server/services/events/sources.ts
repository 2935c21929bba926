import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { getSecretCipher } from "../../crypto/cipher";
import type { Db, Tx } from "../../db/client";
import { eventRejections, eventSources, events } from "../../db/schema";
import type { Env } from "../../env";
import type { PubSubPort } from "../../infra/pubsub/port";
import { requireBrandChild } from "../brands/access";

// A brand's event sources: the only writer of event_sources' keys and of event_rejections.

/** Published when a key stops or starts working, so collectors drop what they remember of it. */
export const SOURCES_CHANGED_CHANNEL = "sources:changed";
/** How long the previous key keeps working after a rotation, unless the operator says otherwise. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
/** Rejections kept per source (the Sources page shows the newest). */
const REJECTIONS_KEPT = 100;

export function hashWriteKey(writeKey: string): string {
  return createHash("sha256").update(writeKey).digest("hex");
}

function newWriteKey(): string {
  return `bbwk_${randomBytes(24).toString("base64url")}`;
}

type SourceDeps = { db: Db; env: Pick<Env, "TOKEN_ENCRYPTION_KEY">; pubsub: PubSubPort };

export interface SourceView {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** The start of the key, enough to tell keys apart. */
  keyHint: string;
  previousKeyExpiresAt: Date | null;
  eventsProcessed: number;
  profilesCreated: number;
  lastEventAt: Date | null;
}

function hint(deps: SourceDeps, sealed: string): string {
  return `${getSecretCipher(deps.env.TOKEN_ENCRYPTION_KEY).decrypt(sealed).slice(0, 9)}…`;
}

/** A new source and its write key (shown once here; admins can reveal it again). */
export async function createSource(deps: SourceDeps, input: { brandId: string; name: string; userId: string | null }): Promise<{ source: SourceView; writeKey: string }> {
  const writeKey = newWriteKey();
  const [row] = await deps.db
    .insert(eventSources)
    .values({
      brandId: input.brandId,
      name: input.name,
      writeKeyHash: hashWriteKey(writeKey),
      writeKeySealed: getSecretCipher(deps.env.TOKEN_ENCRYPTION_KEY).encrypt(writeKey),
      createdBy: input.userId,
    })
    .returning();
  return { source: toView(deps, row!), writeKey };
}

function toView(deps: SourceDeps, row: typeof eventSources.$inferSelect): SourceView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    keyHint: hint(deps, row.writeKeySealed),
    previousKeyExpiresAt: row.previousKeyExpiresAt && row.previousKeyExpiresAt > new Date() ? row.previousKeyExpiresAt : null,
    eventsProcessed: row.eventsProcessed,
    profilesCreated: row.profilesCreated,
    lastEventAt: row.lastEventAt,
  };
}

export async function listSources(deps: SourceDeps, input: { brandId: string }): Promise<SourceView[]> {
  const rows = await deps.db.select().from(eventSources).where(eq(eventSources.brandId, input.brandId)).orderBy(eventSources.createdAt);
  return rows.map((r) => toView(deps, r));
}

export async function revealWriteKey(deps: SourceDeps, input: { brandId: string; sourceId: string }): Promise<{ writeKey: string }> {
  const source = await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  return { writeKey: getSecretCipher(deps.env.TOKEN_ENCRYPTION_KEY).decrypt(source.writeKeySealed) };
}

/** A new key; the current one keeps working for `graceHours` (0: stops at once). */
export async function rotateWriteKey(deps: SourceDeps, input: { brandId: string; sourceId: string; graceHours: number }): Promise<{ writeKey: string; previousKeyExpiresAt: Date | null }> {
  const source = await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  const writeKey = newWriteKey();
  const expires = input.graceHours > 0 ? new Date(Date.now() + input.graceHours * 3_600_000) : null;
  await deps.db
    .update(eventSources)
    .set({
      writeKeyHash: hashWriteKey(writeKey),
      writeKeySealed: getSecretCipher(deps.env.TOKEN_ENCRYPTION_KEY).encrypt(writeKey),
      previousKeyHash: expires ? source.writeKeyHash : null,
      previousKeyExpiresAt: expires,
    })
    .where(eq(eventSources.id, source.id));
  await announceChange(deps);
  return { writeKey, previousKeyExpiresAt: expires };
}

/** Revoked: every key of the source is refused (401) from now on; its events stay. */
export async function setSourceRevoked(deps: SourceDeps, input: { brandId: string; sourceId: string; revoked: boolean }): Promise<void> {
  const source = await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  await deps.db.update(eventSources).set({ revokedAt: input.revoked ? new Date() : null }).where(eq(eventSources.id, source.id));
  await announceChange(deps);
}

export async function renameSource(deps: SourceDeps, input: { brandId: string; sourceId: string; name: string }): Promise<void> {
  const source = await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  await deps.db.update(eventSources).set({ name: input.name }).where(eq(eventSources.id, source.id));
}

async function announceChange(deps: { pubsub: PubSubPort }): Promise<void> {
  // Collectors also forget keys after a short while on their own: a lost message only delays.
  await deps.pubsub.publish(SOURCES_CHANGED_CHANNEL, { at: Date.now() }).catch(() => {});
}

export interface SourceKey {
  sourceId: string;
  brandId: string;
}

/** The source a write key opens, if it is current (or the previous key within its grace period) and not revoked. */
export async function findSourceByWriteKey(deps: { db: Db }, writeKey: string): Promise<SourceKey | null> {
  const hash = hashWriteKey(writeKey);
  const [row] = await deps.db
    .select({ sourceId: eventSources.id, brandId: eventSources.brandId })
    .from(eventSources)
    .where(
      and(
        isNull(eventSources.revokedAt),
        or(eq(eventSources.writeKeyHash, hash), and(eq(eventSources.previousKeyHash, hash), gt(eventSources.previousKeyExpiresAt, sql`now()`))),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * customers/redact: a refused request whose sample names the person (any value that identified
 * them, as a case-insensitive substring) is erased too — it is the only place a refused payload is
 * kept. Values under 3 characters are skipped (they would match nearly anything).
 */
export async function eraseRejectionsNaming(tx: Tx, input: { brandId: string; values: string[] }): Promise<number> {
  const values = [...new Set(input.values.map((v) => v.trim().toLowerCase()).filter((v) => v.length >= 3))];
  if (!values.length) return 0;
  const gone = await tx.execute(sql`
    delete from ${eventRejections} r using ${eventSources} s
    where s.id = r.source_id and s.brand_id = ${input.brandId} and r.sample is not null
      and exists (select 1 from unnest(${sql.param(values)}::text[]) v where strpos(lower(r.sample), v) > 0)
    returning r.id`);
  return gone.length;
}

/** A refused request, for the Sources page; the source keeps its newest REJECTIONS_KEPT. */
export async function recordRejection(deps: { db: Db }, input: { sourceId: string; status: number; path: string; errors: Record<string, string>; sample: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.insert(eventRejections).values({ sourceId: input.sourceId, status: input.status, path: input.path, errors: input.errors, sample: input.sample.slice(0, 500) });
    await tx.execute(sql`delete from ${eventRejections} where ${eventRejections.sourceId} = ${input.sourceId}
      and ${eventRejections.id} < (select min(id) from (select id from ${eventRejections} where ${eventRejections.sourceId} = ${input.sourceId} order by id desc limit ${REJECTIONS_KEPT}) newest)`);
  });
}

/** The source's newest events and refusals: the Sources page's live view. */
export async function sourceActivity(deps: { db: Db }, input: { brandId: string; sourceId: string; limit: number }) {
  const source = await requireBrandChild(deps, { brandId: input.brandId, kind: "source", id: input.sourceId });
  const [recent, rejections] = await Promise.all([
    deps.db
      .select({ id: events.id, type: events.type, name: events.name, userId: events.userId, anonymousId: events.anonymousId, timestamp: events.timestamp, receivedAt: events.receivedAt, profileId: events.profileId })
      .from(events)
      .where(eq(events.sourceId, source.id))
      .orderBy(desc(events.id))
      .limit(input.limit),
    deps.db
      .select({ id: eventRejections.id, receivedAt: eventRejections.receivedAt, status: eventRejections.status, path: eventRejections.path, errors: eventRejections.errors, sample: eventRejections.sample })
      .from(eventRejections)
      .where(eq(eventRejections.sourceId, source.id))
      .orderBy(desc(eventRejections.id))
      .limit(input.limit),
  ]);
  return { events: recent, rejections };
}
