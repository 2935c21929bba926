import { describe, expect, it } from "vitest";
import { identifiersOfEvent, normalizeEmail, normalizePhone } from "./identifiers";
import { type IdentityState, limitKey, type Observation, planResolution } from "./plan";

const now = new Date("2026-11-30T12:00:00Z");
const limits = { userId: 1, shopifyCustomer: 1 };
const obs = (ids: Observation["identifiers"], ref: Observation["ref"] = {}): Observation => ({
  ref,
  identifiers: ids,
  traits: {},
  display: { name: null, email: null, phone: null },
  origin: { sourceId: "s" },
});
const empty = (): IdentityState => ({ owners: new Map(), profiles: new Map(), limited: new Map() });

describe("identifiers", () => {
  it("normalises email and phone, and leaves out what cannot identify anyone", () => {
    expect(normalizeEmail(" Ann@Example.COM ")).toBe("ann@example.com");
    expect(normalizeEmail("ann@")).toBeNull();
    expect(normalizePhone("+1 (415) 555-2671")).toBe("+14155552671");
    expect(normalizePhone("0030 210 123 4567")).toBe("+302101234567");
    expect(normalizePhone("555-0100")).toBeNull();
    const ids = identifiersOfEvent(
      { type: "identify", userId: "null", anonymousId: "a-1", traits: { email: "QA@x.example", phone: "+442071838750" }, context: { externalIds: [{ id: "c-9", type: "crm_id" }, { id: "0", type: "crm_id" }] } },
      new Set(["qa@x.example"]),
    );
    expect(ids).toEqual([
      { kind: "anonymousId", value: "a-1" },
      { kind: "phone", value: "+442071838750" },
      { kind: "external", value: "crm_id:c-9" },
    ]);
    // An alias links whichever kind its previous id is; new, it is kept as an anonymous id.
    expect(identifiersOfEvent({ type: "alias", userId: "u", previousId: "old" }, new Set())).toEqual([
      { kind: "userId", value: "u" },
      { kind: "userId", value: "old", lookupOnly: true },
      { kind: "anonymousId", value: "old" },
    ]);
  });
});

describe("planResolution", () => {
  it("creates one profile for observations that share an identifier, and merges groups an observation links", () => {
    const plan = planResolution(
      empty(),
      [obs([{ kind: "anonymousId", value: "a" }]), obs([{ kind: "anonymousId", value: "b" }]), obs([{ kind: "anonymousId", value: "a" }, { kind: "email", value: "x@y.z" }]), obs([{ kind: "anonymousId", value: "b" }, { kind: "email", value: "x@y.z" }], { eventId: 4 })],
      { limits, now },
    );
    expect(plan.newProfiles.map((p) => p.id)).toEqual([-1, -2]);
    expect(plan.placements).toEqual([-1, -2, -1, -1]);
    // The observation is the email's (its strongest identifier): the link to the other group is its anonymous id.
    expect(plan.merges).toEqual([{ winner: -1, loser: -2, cause: { identifier: { kind: "anonymousId", value: "b" }, eventId: 4 } }]);
  });

  it("lets the oldest existing group win, and refuses a merge that breaks a limit", () => {
    const state = empty();
    state.owners.set("userId u1", 10);
    state.owners.set("userId u2", 20);
    state.owners.set("email e@x.y", 10);
    state.profiles.set(10, { id: 10, rootId: 10 });
    state.profiles.set(20, { id: 20, rootId: 20 });
    state.limited.set(10, new Set([limitKey("userId", "u1")]));
    state.limited.set(20, new Set([limitKey("userId", "u2")]));
    const plan = planResolution(state, [obs([{ kind: "userId", value: "u2" }, { kind: "email", value: "e@x.y" }])], { limits, now });
    expect(plan.merges).toEqual([]);
    expect(plan.refusals).toEqual([{ winner: 10, loser: 20, cause: { identifier: { kind: "email", value: "e@x.y" } }, reason: "Not merged: one person would hold 2 userId values (the limit is 1)" }]);
    expect(plan.placements).toEqual([20]);
  });

  it("starts a profile of its own for a new identifier the group may not hold, and records why", () => {
    const state = empty();
    state.owners.set("anonymousId shared-laptop", 5);
    state.profiles.set(5, { id: 5, rootId: 5 });
    state.limited.set(5, new Set([limitKey("userId", "first-user")]));
    const plan = planResolution(state, [obs([{ kind: "userId", value: "second-user" }, { kind: "anonymousId", value: "shared-laptop" }])], { limits, now });
    expect(plan.newProfiles.map((p) => p.id)).toEqual([-1]);
    expect(plan.newIdentifiers).toEqual([{ kind: "userId", value: "second-user", profileId: -1, origin: { sourceId: "s" }, storeId: null }]);
    expect(plan.refusals[0]).toMatchObject({ winner: 5, loser: -1, reason: "Not merged: one person would hold 2 userId values (the limit is 1)" });
    expect(plan.placements).toEqual([-1]);
  });

  it("counts Shopify customers per store: one person may be a customer of two stores", () => {
    const state = empty();
    state.owners.set("email e@x.y", 7);
    state.profiles.set(7, { id: 7, rootId: 7 });
    state.limited.set(7, new Set([limitKey("shopifyCustomer", "store-a:1")]));
    const other = planResolution(state, [obs([{ kind: "shopifyCustomer", value: "store-b:9" }, { kind: "email", value: "e@x.y" }])], { limits, now });
    expect(other.refusals).toEqual([]);
    expect(other.placements).toEqual([7]);
    const same = planResolution(state, [obs([{ kind: "shopifyCustomer", value: "store-a:2" }, { kind: "email", value: "e@x.y" }])], { limits, now });
    expect(same.refusals[0]?.reason).toBe("Not merged: one person would hold 2 shopifyCustomer values of one store (the limit is 1)");
  });

  it("places an observation with nothing usable nowhere", () => {
    expect(planResolution(empty(), [obs([])], { limits, now }).placements).toEqual([null]);
  });
});
