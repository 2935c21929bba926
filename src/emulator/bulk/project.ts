import type { NodePlan } from "./plan";

type Obj = Record<string, unknown>;

/** Projects a GraphQL-shaped object (values or functions of arguments) through a compiled plan. */
export function project(value: Obj, plan: NodePlan): Obj {
  const out: Obj = {};
  for (const f of plan.fields) {
    let v = value[f.name];
    if (typeof v === "function") v = (v as (args: unknown) => unknown)(f.args);
    if (v === undefined) v = null;
    if (v !== null && f.sub) v = Array.isArray(v) ? v.map((x: Obj) => project(x, f.sub!)) : project(v as Obj, f.sub);
    out[f.key] = v;
  }
  return out;
}

interface Page {
  nodes: Obj[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a nested connection, page by page (bulk exports are not paginated). */
export function* allChildren(value: Obj, name: string, args: Record<string, unknown>): Generator<Obj> {
  const field = value[name] as ((a: unknown) => Page) | undefined;
  if (typeof field !== "function") return;
  let after: string | null = null;
  for (;;) {
    const page: Page = field({ ...args, first: 250, after });
    yield* page.nodes;
    if (!page.pageInfo.hasNextPage) return;
    after = page.pageInfo.endCursor;
  }
}
