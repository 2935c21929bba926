import { and, eq, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { type BrandRole, roleAtLeast } from "~/lib/roles";
import type { Db, Tx } from "../../db/client";
import { preparedFor } from "../../db/prepared";
import { dataRequests, eventSources, invitations, profiles, shopOrders, stores, syncRuns, syncSteps } from "../../db/schema";
import { AppError } from "../../errors";
import type { JobRecord, QueuePort } from "../../infra/queue/port";
import { type BrandSummary, findMembership } from "./brands";

/**
 * Tenancy in one place. Every entry point — tRPC procedures, HTTP routes, services, job
 * handlers — asks these two questions through these two functions:
 *   1. may this user act in this brand with at least this role? (`requireBrandRole`)
 *   2. does this child id (store, sync step, invitation, data request, order, job) belong to this brand?
 *      (`requireBrandChild`; a member is looked up, and locked, by the members service itself)
 * Another brand's child reads exactly like a missing one (NOT_FOUND), so ids never leak tenants.
 */

/** The caller's membership when it is at least `minRole`; FORBIDDEN otherwise (also for a brand that does not exist). */
export async function requireBrandRole(
  deps: { db: Db | Tx },
  input: { userId: string; brand: string; minRole: BrandRole; action?: string },
): Promise<BrandSummary> {
  const membership = await findMembership({ db: deps.db as Db }, { userId: input.userId, brand: input.brand });
  if (!membership) throw new AppError("FORBIDDEN", "You are not a member of this brand");
  if (!roleAtLeast(membership.role, input.minRole)) {
    const needs = input.minRole === "owner" ? "the owner role" : `the ${input.minRole} role or higher`;
    throw new AppError("FORBIDDEN", input.action ? `Only members with ${needs} can ${input.action}` : `This needs ${needs} in this brand`);
  }
  return membership;
}

type BrandOwned = PgTable & { id: AnyPgColumn; brandId: AnyPgColumn };

/** Child kinds stored in Postgres with their own `id` and `brand_id`. */
const TABLES = {
  store: { table: stores, label: "store" },
  syncRun: { table: syncRuns, label: "sync run" },
  syncStep: { table: syncSteps, label: "sync step" },
  invitation: { table: invitations, label: "invitation" },
  dataRequest: { table: dataRequests, label: "data request" },
  order: { table: shopOrders, label: "order" },
  source: { table: eventSources, label: "event source" },
  profile: { table: profiles, label: "customer", numericId: true },
} as const satisfies Record<string, { table: BrandOwned; label: string; numericId?: boolean }>;

type TableKind = keyof typeof TABLES;
type RowOf<K extends TableKind> = (typeof TABLES)[K]["table"]["$inferSelect"];

export type ChildRef =
  | { kind: TableKind; id: string }
  /** A job in one of the queues (its payload names the brand or brands it serves). */
  | { kind: "job"; queue: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The brands a job serves: its payload's `brandId`, or `brandIds` for one that serves several (a shop's webhook). */
export function brandsServedBy(job: Pick<JobRecord, "data">): string[] {
  const data = job.data as { brandId?: unknown; brandIds?: unknown } | null;
  if (typeof data !== "object" || data === null) return [];
  if (typeof data.brandId === "string") return [data.brandId];
  return Array.isArray(data.brandIds) ? data.brandIds.filter((b): b is string => typeof b === "string") : [];
}

function notFound(label: string): AppError {
  return new AppError("NOT_FOUND", `No such ${label} in this brand`);
}

export async function requireBrandChild<K extends TableKind>(deps: { db: Db | Tx }, input: { brandId: string; kind: K; id: string }): Promise<RowOf<K>>;
export async function requireBrandChild(deps: { queue: QueuePort }, input: { brandId: string; kind: "job"; queue: string; id: string }): Promise<JobRecord>;
/**
 * The child when it belongs to the brand; NOT_FOUND when it does not exist or belongs to another
 * brand. One query, filtered on both the id and the brand.
 */
export async function requireBrandChild(
  deps: { db?: Db | Tx; queue?: QueuePort },
  input: { brandId: string } & ChildRef,
): Promise<unknown> {
  if (input.kind === "job") {
    const job = await deps.queue!.getJob(input.queue, input.id);
    if (!job || !brandsServedBy(job).includes(input.brandId)) throw notFound("job");
    return job;
  }
  const db = deps.db!;
  const entry: { table: BrandOwned; label: string; numericId?: boolean } = TABLES[input.kind];
  const { table, label } = entry;
  if (!(entry.numericId ? /^[1-9]\d{0,17}$/ : UUID).test(input.id)) throw notFound(label);
  const t = table as BrandOwned;
  const query = preparedFor(db, `child-${input.kind}`, () =>
    db.select().from(t).where(and(eq(t.id, sql.placeholder("id")), eq(t.brandId, sql.placeholder("brandId")))).limit(1).prepare(`child_${input.kind}`),
  );
  const [row] = await query.execute({ id: input.id, brandId: input.brandId });
  if (!row) throw notFound(label);
  return row;
}
