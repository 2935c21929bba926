import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import type { IdentifierKind } from "../../db/schema/people";

// What counts as an identifier, normalised, and what never identifies anyone. Pure.

export interface Identifier {
  kind: IdentifierKind;
  value: string;
  /** Matched to link profiles, never added (an alias's previousId as a userId: it may be either kind). */
  lookupOnly?: boolean;
}

/** Values clients send when they have nothing (and test placeholders): never an identity. */
export const BUILT_IN_BLOCKED: ReadonlySet<string> = new Set(["", "null", "undefined", "anonymous", "0", "-1", "none", "nil", "nan", "unknown", "[object object]", "n/a", "na", "test", "guest", "true", "false"]);

const email = z.email();

export function normalizeEmail(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const v = raw.trim().toLowerCase();
  return v.length <= 254 && email.safeParse(v).success ? v : null;
}

/** E.164 when the number says its country (+…); otherwise it cannot be made E.164 and is no identifier. */
export function normalizePhone(raw: unknown): string | null {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const text = String(raw).trim();
  if (!text.startsWith("+") && !text.startsWith("00")) return null;
  const parsed = parsePhoneNumberFromString(text.startsWith("00") ? `+${text.slice(2)}` : text);
  return parsed?.isValid() ? parsed.number : null;
}

export function isBlockedValue(value: string, blockedEmails: ReadonlySet<string>): boolean {
  const v = value.trim().toLowerCase();
  return BUILT_IN_BLOCKED.has(v) || blockedEmails.has(v);
}

/** Lower priority first is stronger: an event belongs to the owner of its strongest identifier. */
export const KIND_PRIORITY: Record<IdentifierKind, number> = { userId: 0, shopifyCustomer: 1, external: 2, email: 3, phone: 4, anonymousId: 5 };

/** Per kind, how many values one person may hold by default (shopifyCustomer: per store). */
export const DEFAULT_LIMITS: Partial<Record<IdentifierKind, number>> = { userId: 1, shopifyCustomer: 1 };

function text(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The identifiers one event carries, normalised, blocked ones left out (a malformed email or phone stays a trait only). */
export function identifiersOfEvent(payload: Record<string, unknown>, blockedEmails: ReadonlySet<string>): Identifier[] {
  const out: Identifier[] = [];
  const add = (kind: IdentifierKind, value: string | null, lookupOnly?: boolean) => {
    if (value && value.length <= 255 && !isBlockedValue(value, blockedEmails) && !out.some((i) => i.kind === kind && i.value === value)) out.push({ kind, value, ...(lookupOnly ? { lookupOnly } : {}) });
  };
  const traits = { ...record(record(payload.context).traits), ...record(payload.traits) };
  add("userId", text(payload.userId));
  if (payload.type === "alias") {
    // The previous id is a userId or an anonymousId: it links whichever it is; new, it is kept as an anonymousId.
    add("userId", text(payload.previousId), true);
    add("anonymousId", text(payload.previousId));
  }
  add("anonymousId", text(payload.anonymousId));
  add("email", normalizeEmail(traits.email));
  add("phone", normalizePhone(traits.phone));
  const externalIds = record(payload.context).externalIds;
  if (Array.isArray(externalIds)) {
    for (const e of externalIds.slice(0, 20)) {
      const id = text(record(e).id);
      const type = text(record(e).type);
      if (!id || !type) continue;
      if (type === "email") add("email", normalizeEmail(id));
      else if (type === "phone") add("phone", normalizePhone(id));
      else if (!isBlockedValue(id, blockedEmails)) add("external", `${type.toLowerCase()}:${id}`);
    }
  }
  return out;
}

/** The traits an event sets on its profile (identify's traits, and context.traits any call may carry). */
export function traitsOfEvent(payload: Record<string, unknown>): Record<string, unknown> {
  const traits = { ...record(record(payload.context).traits), ...(payload.type === "identify" ? record(payload.traits) : {}) };
  return traits;
}

/** A display name from traits: `name`, else first and last. */
export function nameOf(traits: Record<string, unknown>): string | null {
  const name = text(traits.name);
  if (name) return name.slice(0, 200);
  const joined = [text(traits.firstName) ?? text(traits.first_name), text(traits.lastName) ?? text(traits.last_name)].filter(Boolean).join(" ");
  return joined ? joined.slice(0, 200) : null;
}
