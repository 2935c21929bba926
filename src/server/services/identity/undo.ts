import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import { announceProfiles, type ResolveDeps } from "./resolve";
import { lockIdentity, refreshRollups } from "./store";

type Row = Record<string, unknown>;

/**
 * Undoes a merge: the loser's group is unlinked and is its own again, with the identifiers, events
 * and Shopify customers it brought (they never moved); the winner's name, email and phone are put
 * back as they were before the merge. Refused when the link is no longer there (already undone).
 */
export async function undoMerge(deps: ResolveDeps & { db: Db }, input: { brandId: string; mergeId: number; userId: string }): Promise<{ winnerRoot: number; loserId: number }> {
  const result = await deps.db.transaction(async (tx) => {
    await lockIdentity(tx, input.brandId);
    const [merge] = await tx.execute<Row>(sql`
      select m.id, m.winner_id, m.loser_id, m.status, m.winner_before, l.merged_into
      from profile_merges m join profiles l on l.id = m.loser_id
      where m.id = ${input.mergeId} and m.brand_id = ${input.brandId} for update of m`);
    if (!merge) throw new AppError("NOT_FOUND", "No such merge in this brand");
    if (merge.status !== "merged") throw new AppError("CONFLICT", merge.status === "undone" ? "This merge was already undone" : "This merge was refused; there is nothing to undo");
    const winner = Number(merge.winner_id);
    const loser = Number(merge.loser_id);
    if (Number(merge.merged_into) !== winner) throw new AppError("CONFLICT", "This merge's link is no longer there");
    const [root] = await tx.execute<Row>(sql`select root_id from profiles where id = ${winner}`);
    await tx.execute(sql`update profiles set merged_into = null, updated_at = now() where id = ${loser}`);
    // The loser and everything merged into it (and into those) are the loser's group again.
    await tx.execute(sql`
      with recursive subtree as (
        select id from profiles where id = ${loser}
        union all
        select p.id from profiles p join subtree s on p.merged_into = s.id
      )
      update profiles set root_id = ${loser} where id in (select id from subtree)`);
    const before = (merge.winner_before ?? {}) as { name?: string | null; email?: string | null; phone?: string | null };
    await tx.execute(sql`update profiles set name = ${before.name ?? null}, email = ${before.email ?? null}, phone = ${before.phone ?? null}, updated_at = now() where id = ${winner}`);
    await tx.execute(sql`update profile_merges set status = 'undone', undone_at = now(), undone_by = ${input.userId} where id = ${input.mergeId}`);
    const roots = [Number(root!.root_id), loser];
    await refreshRollups(tx, roots);
    return { winnerRoot: roots[0]!, loserId: loser };
  });
  await announceProfiles(deps, input.brandId, [result.winnerRoot, result.loserId]);
  return result;
}
