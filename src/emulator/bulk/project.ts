import type { NodePlan } from "./plan";

type Obj = Record<string, unknown>;

/** Reads a field: a getter's value, or a method called with the field's arguments (keeping `this`). */
function read(value: Obj, name: string, args: Record<string, unknown>): unknown {
  const v = value[name];
  return typeof v === "function" ? (value[name] as (a: unknown) => unknown)(args) : v;
}

/** Projects a GraphQL-shaped object through a compiled plan into a plain object. */
export function project(value: Obj, plan: NodePlan): Obj {
  const out: Obj = {};
  for (const f of plan.fields) {
    let v = read(value, f.name, f.args);
    if (v === undefined) v = null;
    if (v !== null && f.sub) v = Array.isArray(v) ? v.map((x: Obj) => project(x, f.sub!)) : project(v as Obj, f.sub);
    out[f.key] = v;
  }
  return out;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/**
 * Compiles a plan into a function writing the node's JSON text directly — the same text as
 * JSON.stringify(project(value, plan)) without building the intermediate object. Bulk exports spend
 * most of their time here.
 */
export function compileSerializer(plan: NodePlan): (value: Obj, extra?: string) => string {
  const parts = plan.fields.map((f) => {
    const key = `${JSON.stringify(f.key)}:`;
    if (!f.sub && f.safe) {
      return (value: Obj) => {
        const v = read(value, f.name, f.args);
        return typeof v === "string" ? `${key}"${v}"` : key + scalar(v);
      };
    }
    if (!f.sub) return (value: Obj) => key + scalar(read(value, f.name, f.args));
    const sub = compileSerializer(f.sub);
    return (value: Obj) => {
      const v = read(value, f.name, f.args);
      if (v === null || v === undefined) return `${key}null`;
      if (Array.isArray(v)) return `${key}[${v.map((x: Obj) => sub(x)).join(",")}]`;
      return key + sub(v as Obj);
    };
  });
  // `extra` is appended as further members (e.g. `"__parentId":"…"`).
  return (value: Obj, extra?: string) => {
    let text = "{";
    for (let k = 0; k < parts.length; k++) text += (k ? "," : "") + parts[k]!(value);
    if (extra) text += parts.length ? `,${extra}` : extra;
    return `${text}}`;
  };
}

interface Page {
  nodes: Obj[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a nested connection (bulk exports are not paginated): directly when the object offers them, else page by page. */
export function allChildren(value: Obj, name: string, args: Record<string, unknown>): Obj[] {
  const direct = (value as { children?: (n: string) => Obj[] | undefined }).children?.(name);
  if (direct) return direct;
  if (typeof value[name] !== "function") return [];
  const nodes: Obj[] = [];
  let after: string | null = null;
  for (;;) {
    const page = (value[name] as (a: unknown) => Page)({ ...args, first: 250, after });
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}
