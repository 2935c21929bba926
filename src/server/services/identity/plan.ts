import type { IdentifierKind, MergeCause } from "../../db/schema/people";
import { type Identifier, KIND_PRIORITY } from "./identifiers";

// Identity resolution of a batch, planned in memory (pure): which profiles are new, which
// identifiers join whom, which groups merge or are refused a merge, and where each observation
// (an event, a Shopify customer) belongs. `store.ts` loads the state and writes the plan in one
// transaction, so a batch of thousands costs a handful of statements.

export interface Observation {
  /** What carried it: an event, or a Shopify customer. */
  ref: { eventId?: number; messageId?: string; storeId?: string; customerShopifyId?: string };
  identifiers: Identifier[];
  /** Traits to set on the profile it belongs to (latest wins). */
  traits: Record<string, unknown>;
  display: { name: string | null; email: string | null; phone: string | null };
  seenAt?: Date;
  origin: { sourceId?: string; storeId?: string };
}

export interface KnownProfile {
  id: number;
  rootId: number;
}

export interface IdentityState {
  /** `kind value` → the profile that holds it. */
  owners: Map<string, number>;
  profiles: Map<number, KnownProfile>;
  /** Per group root: the values of limited kinds its profiles hold (keys made by limitKey). */
  limited: Map<number, Set<string>>;
}

export type Limits = Partial<Record<IdentifierKind, number>>;

export interface PlannedMerge {
  winner: number;
  loser: number;
  cause: MergeCause;
}

export interface Plan {
  /** Temporary (negative) ids, replaced by real ones when written. */
  newProfiles: { id: number; origin: Observation["origin"]; createdAt: Date }[];
  newIdentifiers: { kind: IdentifierKind; value: string; profileId: number; origin: Observation["origin"]; storeId: string | null }[];
  merges: PlannedMerge[];
  refusals: (PlannedMerge & { reason: string })[];
  /** Observation index → profile (null: nothing usable identified it). */
  placements: (number | null)[];
  updates: Map<number, { traits: Record<string, unknown>; name?: string; email?: string; phone?: string; firstSeen?: Date; lastSeen?: Date }>;
}

export const identifierKey = (kind: string, value: string) => `${kind} ${value}`;

/** Limited kinds count per store for Shopify customers (a person may be a customer of several stores). */
export function limitKey(kind: IdentifierKind, value: string): string {
  const scope = kind === "shopifyCustomer" ? `${kind}\u0002${value.split(":")[0]}` : kind;
  return `${scope}\u0001${value}`;
}

function scopeOf(key: string): string {
  return key.slice(0, key.indexOf("\u0001"));
}

/** The first limit the union of two groups' limited values would break, as a sentence; null when none. */
export function limitBroken(a: ReadonlySet<string>, b: ReadonlySet<string>, limits: Limits): string | null {
  const perScope = new Map<string, Set<string>>();
  for (const key of [...a, ...b]) {
    const scope = scopeOf(key);
    const values = perScope.get(scope) ?? new Set<string>();
    values.add(key);
    perScope.set(scope, values);
  }
  for (const [scope, values] of perScope) {
    const kind = scope.split("\u0002")[0] as IdentifierKind;
    const max = limits[kind];
    if (max !== undefined && values.size > max) {
      const where = kind === "shopifyCustomer" ? " of one store" : "";
      return `one person would hold ${values.size} ${kind} values${where} (the limit is ${max})`;
    }
  }
  return null;
}

export function planResolution(state: IdentityState, observations: Observation[], opts: { limits: Limits; now: Date }): Plan {
  const plan: Plan = { newProfiles: [], newIdentifiers: [], merges: [], refusals: [], placements: [], updates: new Map() };
  const redirect = new Map<number, number>();
  let nextTemp = -1;

  const rootOf = (profileId: number): number => {
    let root = state.profiles.get(profileId)?.rootId ?? profileId;
    while (redirect.has(root)) root = redirect.get(root)!;
    return root;
  };
  const limitedOf = (root: number): Set<string> => {
    let set = state.limited.get(root);
    if (!set) state.limited.set(root, (set = new Set()));
    return set;
  };
  const newProfile = (obs: Observation): number => {
    const id = nextTemp--;
    plan.newProfiles.push({ id, origin: obs.origin, createdAt: obs.seenAt ?? opts.now });
    state.profiles.set(id, { id, rootId: id });
    return id;
  };
  const causeOf = (obs: Observation, identifier: Identifier): MergeCause => ({ identifier: { kind: identifier.kind, value: identifier.value }, ...obs.ref });

  observations.forEach((obs) => {
    const matched = obs.identifiers
      .map((identifier) => ({ identifier, owner: state.owners.get(identifierKey(identifier.kind, identifier.value)) }))
      .filter((m): m is { identifier: Identifier; owner: number } => m.owner !== undefined)
      .sort((x, y) => KIND_PRIORITY[x.identifier.kind] - KIND_PRIORITY[y.identifier.kind]);
    const fresh = obs.identifiers.filter((i) => !i.lookupOnly && !state.owners.has(identifierKey(i.kind, i.value)));
    if (!matched.length && !fresh.length) {
      plan.placements.push(null);
      return;
    }

    let target: number;
    if (!matched.length) {
      target = newProfile(obs);
    } else {
      // The oldest group wins (real ids before this batch's new ones, then the smaller id).
      const roots = [...new Set(matched.map((m) => rootOf(m.owner)))].sort((a, b) => (a > 0 === b > 0 ? Math.abs(a) - Math.abs(b) : a > 0 ? -1 : 1));
      const winner = roots[0]!;
      // The cause of a link is the identifier found in the group other than the observation's own
      // (the group of its strongest identifier): "this email is that person's".
      const home = rootOf(matched[0]!.owner);
      const linkIn = (root: number) => matched.find((m) => rootOf(m.owner) === root)!.identifier;
      for (const loser of roots.slice(1)) {
        const cause = causeOf(obs, linkIn(loser === home ? winner : loser));
        const broken = limitBroken(limitedOf(winner), limitedOf(loser), opts.limits);
        if (broken) {
          plan.refusals.push({ winner, loser, cause, reason: `Not merged: ${broken}` });
          continue;
        }
        plan.merges.push({ winner, loser, cause });
        redirect.set(loser, winner);
        for (const key of limitedOf(loser)) limitedOf(winner).add(key);
      }
      // The observation belongs to the owner of its strongest identifier.
      target = matched[0]!.owner;
    }

    // New identifiers join the target's group unless that breaks a limit: then they, and the
    // observation, start a profile of their own and the refused link is recorded.
    const freshLimited = new Set(fresh.filter((i) => opts.limits[i.kind] !== undefined).map((i) => limitKey(i.kind, i.value)));
    const broken = matched.length && freshLimited.size ? limitBroken(limitedOf(rootOf(target)), freshLimited, opts.limits) : null;
    if (broken) {
      const split = newProfile(obs);
      const first = fresh.find((i) => freshLimited.has(limitKey(i.kind, i.value)))!;
      plan.refusals.push({ winner: rootOf(target), loser: split, cause: causeOf(obs, first), reason: `Not merged: ${broken}` });
      target = split;
    }
    for (const identifier of fresh) {
      state.owners.set(identifierKey(identifier.kind, identifier.value), target);
      plan.newIdentifiers.push({ kind: identifier.kind, value: identifier.value, profileId: target, origin: obs.origin, storeId: identifier.kind === "shopifyCustomer" ? identifier.value.split(":")[0]! : (obs.origin.storeId ?? null) });
    }
    for (const key of freshLimited) limitedOf(rootOf(target)).add(key);

    plan.placements.push(target);
    const update = plan.updates.get(target) ?? { traits: {} };
    Object.assign(update.traits, obs.traits);
    if (obs.display.name) update.name = obs.display.name;
    if (obs.display.email) update.email = obs.display.email;
    if (obs.display.phone) update.phone = obs.display.phone;
    if (obs.seenAt) {
      if (!update.firstSeen || obs.seenAt < update.firstSeen) update.firstSeen = obs.seenAt;
      if (!update.lastSeen || obs.seenAt > update.lastSeen) update.lastSeen = obs.seenAt;
    }
    plan.updates.set(target, update);
  });
  return plan;
}
