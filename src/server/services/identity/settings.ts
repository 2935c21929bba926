import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { identitySettings, type IdentifierKind } from "../../db/schema/people";
import { AppError } from "../../errors";
import { BUILT_IN_BLOCKED, DEFAULT_LIMITS, normalizeEmail } from "./identifiers";

// A brand's identity rules: the only writer of identity_settings. Changes apply to what is
// resolved from then on; merges already made stay (an operator undoes those one by one).

/** The kinds a brand may cap per person (anonymous ids are many by nature). */
export const LIMITED_KINDS = ["userId", "shopifyCustomer", "email", "phone", "external"] as const satisfies readonly IdentifierKind[];
export type LimitedKind = (typeof LIMITED_KINDS)[number];
/** Per kind, the most values one person may hold; null: no limit. */
export type LimitSettings = Record<LimitedKind, number | null>;

export interface IdentitySettings {
  blockedEmails: string[];
  limits: LimitSettings;
  defaults: LimitSettings;
  /** Values that never identify anyone in any brand. */
  builtInBlocked: string[];
  updatedAt: Date | null;
}

const withDefaults = (stored: Partial<Record<IdentifierKind, number | null>> = {}): LimitSettings =>
  Object.fromEntries(LIMITED_KINDS.map((k) => [k, k in stored ? (stored[k] ?? null) : (DEFAULT_LIMITS[k] ?? null)])) as LimitSettings;

export async function getIdentitySettings(deps: { db: Db }, input: { brandId: string }): Promise<IdentitySettings> {
  const [row] = await deps.db.select().from(identitySettings).where(sql`${identitySettings.brandId} = ${input.brandId}`);
  return {
    blockedEmails: row?.blockedEmails ?? [],
    limits: withDefaults(row?.limits),
    defaults: withDefaults(),
    builtInBlocked: [...BUILT_IN_BLOCKED].filter(Boolean),
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Blocked emails are normalised (one that is not an email is refused, named); limits are stored whole. */
export async function updateIdentitySettings(deps: { db: Db }, input: { brandId: string; blockedEmails: string[]; limits: LimitSettings }): Promise<IdentitySettings> {
  const blocked = new Set<string>();
  for (const raw of input.blockedEmails) {
    if (!raw.trim()) continue;
    const email = normalizeEmail(raw);
    if (!email) {
      const message = `"${raw.trim()}" is not an email address`;
      throw new AppError("BAD_REQUEST", message, { fields: { blockedEmails: message } });
    }
    blocked.add(email);
  }
  const values = { blockedEmails: [...blocked].sort(), limits: input.limits, updatedAt: new Date() };
  await deps.db
    .insert(identitySettings)
    .values({ brandId: input.brandId, ...values })
    .onConflictDoUpdate({ target: identitySettings.brandId, set: values });
  return getIdentitySettings(deps, input);
}
